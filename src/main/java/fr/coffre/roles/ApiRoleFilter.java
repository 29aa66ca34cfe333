package fr.coffre.roles;

import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemResponses;
import fr.coffre.problem.ProblemType;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** An instance running only as a worker serves health and metrics, not the API nor its FHIR door. */
public class ApiRoleFilter {

    private final boolean apiEnabled;

    public ApiRoleFilter(RolesConfig roles) {
        this.apiEnabled = roles.api();
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseApiOnWorkers(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (apiEnabled || !(path.startsWith("/api/") || path.equals("/fhir") || path.startsWith("/fhir/"))) {
            return null;
        }
        return ProblemResponses.toResponse(new ProblemException(
                ProblemType.NOT_FOUND,
                "This instance runs as a worker only (COFFRE_ROLES); the API is served by the api instances."));
    }
}
