package fr.coffre.problem;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Adds the problem answers every API operation may give to /q/openapi, from ProblemType, so the
 * description cannot drift from what the service sends.
 */
public class ProblemOpenApiFilter implements OASFilter {

    private static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents()
                .addSchema(
                        SCHEMA,
                        OASFactory.createSchema()
                                .description(
                                        "RFC 9457 problem details; `type` is https://coffre.example/problems/<slug>")
                                .type(List.of(Schema.SchemaType.OBJECT))
                                .addProperty(
                                        "type",
                                        OASFactory.createSchema()
                                                .type(List.of(Schema.SchemaType.STRING))
                                                .format("uri"))
                                .addProperty("title", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                                .addProperty(
                                        "status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                                .addProperty(
                                        "detail", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                                .addProperty(
                                        "submissionId",
                                        OASFactory.createSchema()
                                                .type(List.of(Schema.SchemaType.STRING))
                                                .format("uuid")
                                                .description(
                                                        "For a submission that broke off: the set holding what was kept")));
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path :
                openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            path.getValue().getOperations().forEach((method, operation) -> document(operation, method));
        }
    }

    private static void document(Operation operation, PathItem.HttpMethod method) {
        for (ProblemType type : ProblemType.values()) {
            boolean applies = switch (type.status()) {
                case 401, 403, 500, 503 -> true;
                case 404, 416 -> method == PathItem.HttpMethod.GET;
                default -> method != PathItem.HttpMethod.GET;
            };
            if (!applies || type == ProblemType.METHOD_NOT_ALLOWED || type == ProblemType.NOT_ACCEPTABLE) {
                continue;
            }
            String code = String.valueOf(type.status());
            var responses = operation.getResponses();
            var existing = responses.getAPIResponse(code);
            String line = "`" + type.slug() + "`: " + type.title();
            if (existing == null) {
                responses.addAPIResponse(
                        code,
                        OASFactory.createAPIResponse()
                                .description(line)
                                .content(OASFactory.createContent()
                                        .addMediaType(
                                                Problem.MEDIA_TYPE,
                                                OASFactory.createMediaType()
                                                        .schema(OASFactory.createSchema()
                                                                .ref(SCHEMA)))));
            } else if (existing.getDescription() == null
                    || !existing.getDescription().contains(type.slug())) {
                existing.description(
                        (existing.getDescription() == null ? "" : existing.getDescription() + "; ") + line);
            }
        }
    }
}
