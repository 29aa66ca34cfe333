package fr.coffre.access;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Patients and professionals as their tokens name them; the request never says who calls. */
@RequestScoped
public class CallerIdentity {

    private final JsonWebToken token;

    public CallerIdentity(JsonWebToken token) {
        this.token = token;
    }

    /** The calling patient's INS, from the {@code ins} and {@code ins_system} claims. */
    public Identifier patient() {
        String ins = token.getClaim("ins");
        String system = token.getClaim("ins_system");
        if (ins == null || system == null || !Ins.isInsSystem(system)) {
            throw new ProblemException(
                    ProblemType.FORBIDDEN, "Your token names no patient (ins and ins_system claims).");
        }
        return new Identifier(system, ins);
    }

    /** The calling professional, from the {@code rpps} and {@code organisation} claims. */
    public Reader professional() {
        return practitioner().reader();
    }

    /**
     * The calling professional with what the DMP's rules need: the {@code rpps}, {@code organisation},
     * {@code profession}, {@code activity_genre} and {@code emergency_context} claims.
     */
    public Professional practitioner() {
        String rpps = text("rpps");
        if (rpps == null || rpps.isBlank()) {
            throw new ProblemException(ProblemType.FORBIDDEN, "Your token names no health professional (rpps claim).");
        }
        return new Professional(
                rpps,
                text("organisation"),
                text("profession"),
                text("activity_genre"),
                "true".equals(text("emergency_context")));
    }

    /** A claim as text, whatever JSON type the identity provider gave it (a string, a boolean, a number). */
    private String text(String claim) {
        Object value = token.getClaim(claim);
        return value == null ? null : value.toString();
    }
}
