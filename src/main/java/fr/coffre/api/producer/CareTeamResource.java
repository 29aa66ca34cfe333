package fr.coffre.api.producer;

import fr.coffre.access.AccessConfig;
import fr.coffre.access.CareTeamRepository;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.ingest.ProducerIdentity;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A producer (a hospital, a laboratory) declaring that it treats a patient: its professionals then read the record. */
@Path("/api/v1/care-teams")
@Tag(name = "Producer")
@RolesAllowed("producer")
public class CareTeamResource {

    private final ProducerIdentity producers;
    private final CareTeamRepository careTeams;
    private final AccessConfig config;

    public CareTeamResource(ProducerIdentity producers, CareTeamRepository careTeams, AccessConfig config) {
        this.producers = producers;
        this.careTeams = careTeams;
        this.config = config;
    }

    public record Declaration(Identifier patient) {}

    public record Declared(String organisation, OffsetDateTime endsAt) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Declare that your organisation treats a patient",
            description = "{\"patient\": {\"id\": <INS>, \"system\": <INS OID>}}: your organisation joins the patient's"
                    + " care team for coffre.access.care-team-duration (a year by default), and so its professionals"
                    + " read the patient's record within what their profession may read. The patient sees it and"
                    + " may end it; once the patient decided about your organisation (declared or ended its"
                    + " membership), 409 care-team-decided.")
    public Uni<Declared> declare(Declaration declaration) {
        if (declaration == null || declaration.patient() == null) {
            throw new ProblemException(
                    ProblemType.INVALID_METADATA,
                    "Send {\"patient\": {\"id\": \"<INS>\", \"system\": \"<INS OID>\"}}.");
        }
        Identifier patient = Ins.normalise(declaration.patient());
        Ins.problemWith(patient).ifPresent(problem -> {
            throw new ProblemException(ProblemType.INVALID_INS, "patient: " + problem + ".");
        });
        String organisation = producers.current().id();
        OffsetDateTime endsAt = DocumentRepository.now().plus(config.careTeamDuration());
        return careTeams.declareByProducer(patient, organisation, endsAt).map(declared -> {
            if (!declared) {
                throw new ProblemException(
                        ProblemType.CARE_TEAM_DECIDED,
                        "The patient decided about your organisation's place in their care team themselves.");
            }
            return new Declared(organisation, endsAt);
        });
    }
}
