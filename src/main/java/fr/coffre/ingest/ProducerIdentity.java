package fr.coffre.ingest;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The calling producer, from its token's claims: the request body never says who sends it. */
@RequestScoped
public class ProducerIdentity {

    private final JsonWebToken token;

    public ProducerIdentity(JsonWebToken token) {
        this.token = token;
    }

    public Producer current() {
        String finess = token.getClaim("finess");
        if (finess == null || finess.isBlank()) {
            throw new ProblemException(
                    ProblemType.FORBIDDEN, "Your token names no producer organisation (finess claim).");
        }
        String name = token.getClaim("organisation_name");
        return new Producer(finess, name);
    }
}
