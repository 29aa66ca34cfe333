package fr.coffre.api.patient;

import fr.coffre.access.AccessConfig;
import fr.coffre.access.CallerIdentity;
import fr.coffre.access.CareTeamRepository;
import fr.coffre.access.ProfessionalAuthorisationRepository;
import fr.coffre.access.ProfessionalAuthorisationRepository.State;
import fr.coffre.document.DocumentRepository;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who among professionals the patient lets read their record (the DMP's model): professionals
 * authorised or blocked by name, and the organisations treating them (their care team).
 */
@Path("/api/v1/me")
@Tag(name = "Patient")
@RolesAllowed("patient")
public class CareResource {

    // RPPS numbers (11 digits) and FINESS numbers (9 characters), with room for other national ids.
    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{1,32}");
    private static final Duration LONGEST_TEAM = Duration.ofDays(3653);

    private final CallerIdentity caller;
    private final ProfessionalAuthorisationRepository authorisations;
    private final CareTeamRepository careTeams;
    private final AccessConfig config;

    public CareResource(
            CallerIdentity caller,
            ProfessionalAuthorisationRepository authorisations,
            CareTeamRepository careTeams,
            AccessConfig config) {
        this.caller = caller;
        this.authorisations = authorisations;
        this.careTeams = careTeams;
        this.config = config;
    }

    public record ProfessionalChoice(State state) {}

    /** @param endsAt when the team stops reading the record; by default after coffre.access.care-team-duration */
    public record CareTeamChoice(OffsetDateTime endsAt) {}

    @GET
    @Path("professionals")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The professionals you authorised to read your record, and those you blocked")
    public Uni<List<ProfessionalAuthorisationRepository.Decision>> professionals() {
        return authorisations.list(caller.patient());
    }

    @PUT
    @Path("professionals/{rpps}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Authorise a professional to read your record, or block them",
            description = "{\"state\": \"authorised\"} or {\"state\": \"blocked\"}. A blocked professional reads"
                    + " nothing of your record, even in an emergency or as part of your care team.")
    public Uni<ProfessionalChoice> decide(@PathParam("rpps") String rpps, ProfessionalChoice choice) {
        if (choice == null || choice.state() == null) {
            throw new ProblemException(
                    ProblemType.INVALID_METADATA, "Send {\"state\": \"authorised\"} or {\"state\": \"blocked\"}.");
        }
        return authorisations
                .decide(caller.patient(), id("rpps", rpps), choice.state())
                .replaceWith(choice);
    }

    @DELETE
    @Path("professionals/{rpps}")
    @Operation(summary = "Revoke a professional's authorisation, or lift their block")
    public Uni<Void> revoke(@PathParam("rpps") String rpps) {
        return authorisations
                .revoke(caller.patient(), id("rpps", rpps))
                .invoke(found -> {
                    if (!found) {
                        throw new ProblemException(
                                ProblemType.NOT_FOUND, "You decided nothing about professional " + rpps + ".");
                    }
                })
                .replaceWithVoid();
    }

    @GET
    @Path("care-teams")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The organisations treating you, whose professionals read your record")
    public Uni<List<CareTeamRepository.Member>> careTeams() {
        return careTeams.list(caller.patient());
    }

    @PUT
    @Path("care-teams/{finess}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Declare an organisation (by FINESS) as treating you",
            description = "Its professionals read your record until endsAt (by default for a year), within what"
                    + " their profession may read and what you hide.")
    public Uni<CareTeamChoice> declare(@PathParam("finess") String finess, CareTeamChoice choice) {
        OffsetDateTime now = DocumentRepository.now();
        OffsetDateTime endsAt =
                choice == null || choice.endsAt() == null ? now.plus(config.careTeamDuration()) : choice.endsAt();
        if (!endsAt.isAfter(now) || endsAt.isAfter(now.plus(LONGEST_TEAM))) {
            throw new ProblemException(
                    ProblemType.INVALID_METADATA, "endsAt must be in the future, and within ten years.");
        }
        return careTeams
                .declareByPatient(caller.patient(), id("finess", finess), endsAt)
                .replaceWith(new CareTeamChoice(endsAt));
    }

    @DELETE
    @Path("care-teams/{finess}")
    @Operation(summary = "An organisation no longer treats you: its professionals stop reading your record")
    public Uni<Void> end(@PathParam("finess") String finess) {
        return careTeams
                .end(caller.patient(), id("finess", finess))
                .invoke(found -> {
                    if (!found) {
                        throw new ProblemException(
                                ProblemType.NOT_FOUND, "Organisation " + finess + " is not in your care team.");
                    }
                })
                .replaceWithVoid();
    }

    static String id(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "Not a " + what + " number: " + value + ".");
        }
        return value;
    }
}
