package fr.coffre.api.operator;

import fr.coffre.index.DeadLetterReplay;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/operations/dead-letters")
@Tag(name = "Operations")
@RolesAllowed("operator")
public class DeadLetterResource {

    private final DeadLetterReplay replay;

    public DeadLetterResource(DeadLetterReplay replay) {
        this.replay = replay;
    }

    @POST
    @Path("replay")
    @Produces(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    @Operation(
            summary = "Replay dead letters",
            description = "Every document dead-lettered since the last replay and "
                    + "still FAILED goes back to STORED and to the indexing queue. Run it once the cause (a server down, a "
                    + "missing object restored) is fixed.")
    public DeadLetterReplay.Outcome replay() {
        return replay.replay();
    }
}
