package fr.coffre.ingest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import fr.coffre.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenApiTest {

    @Test
    void theUploadEndpointsDescribeTheirPartsAndAnswers() {
        var api = Management.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String upload = "paths.'/api/v1/documents'.post.";
        assertThat(
                api.get(upload + "requestBody.content.'multipart/form-data'.encoding.metadata.contentType"),
                equalTo("application/json"));
        assertThat(
                api.getMap("components.schemas.DocumentUpload.properties").keySet(), hasItems("metadata", "content"));
        assertThat(
                api.getMap(upload + "responses").keySet(),
                hasItems("200", "201", "400", "401", "403", "409", "413", "415", "422", "429", "503"));
        assertThat(
                api.get(upload + "responses.'415'.content.'application/problem+json'.schema.'$ref'"),
                equalTo("#/components/schemas/Problem"));
        assertThat(api.getMap("components.schemas.SubmissionUpload.properties").keySet(), hasItems("manifest"));
        assertThat(api.get("paths.'/api/v1/submissions/{id}'.get.responses.'404'"), notNullValue());
        assertThat(
                api.getMap("components.schemas.DocumentMetadata.properties").keySet(),
                hasItems("uniqueId", "patient", "typeCode", "creationTime", "sha256", "replaces", "part"));
    }
}
