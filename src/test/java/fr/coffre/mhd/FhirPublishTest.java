package fr.coffre.mhd;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ca.uhn.fhir.context.FhirContext;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.Uploads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FhirPublishTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final String PDF = "pdf/HL7-CCDA_UD_sample.pdf";
    static final String ROOT = "1.2.250.1.999.9";
    static String hospital;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
    }

    /** A DocumentReference for Dominique, its document in content[0].attachment.data. */
    static DocumentReference reference(String extension, byte[] content) {
        DocumentReference reference = new DocumentReference();
        reference.setStatus(DocumentReferenceStatus.CURRENT);
        reference.setMasterIdentifier(
                new Identifier().setSystem("urn:oid:" + ROOT).setValue(extension));
        reference.setSubject(new Reference()
                .setIdentifier(new Identifier()
                        .setSystem("urn:oid:" + Uploads.NIR_TEST)
                        .setValue(Uploads.TEST_PATIENT)));
        reference.setType(
                new CodeableConcept().addCoding(new Coding("http://loinc.org", "11490-0", "Lettre de sortie")));
        reference.addCategory(new CodeableConcept().addCoding(new Coding().setCode("10")));
        reference.setDescription("Lettre de sortie publiée par MHD");
        reference.addSecurityLabel(new CodeableConcept()
                .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "N", null)));
        reference.addAuthor(new Reference()
                .setType("Practitioner")
                .setIdentifier(
                        new Identifier().setSystem("urn:oid:1.2.250.1.71.4.2.1").setValue("810001234567"))
                .setDisplay("Jeanne Martin"));
        reference.addAuthor(new Reference().setType("Organization").setDisplay("CHU de Lyon"));
        reference
                .getContext()
                .setPeriod(new Period()
                        .setStart(Date.from(Instant.parse("2026-10-01T08:00:00Z")))
                        .setEnd(Date.from(Instant.parse("2026-10-04T10:00:00Z"))));
        reference
                .addContent()
                .getAttachment()
                .setContentType("application/pdf")
                .setSize(content.length)
                .setHash(sha1(content))
                .setCreation(Date.from(Instant.parse("2026-10-04T12:00:00Z")))
                .setData(content);
        return reference;
    }

    static byte[] sha1(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resource as JSON with its content first: the metadata come after the document's bytes. */
    static String contentFirst(DocumentReference reference) {
        JsonObject json = new JsonObject(R4.newJsonParser().encodeResourceToString(reference));
        JsonObject reordered = new JsonObject().put("resourceType", "DocumentReference");
        reordered.put("content", json.getValue("content"));
        json.forEach(field -> reordered.put(field.getKey(), field.getValue()));
        return reordered.encode();
    }

    static Response publish(String token, String body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/fhir+json")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/fhir/DocumentReference");
    }

    @Test
    void aProducerPublishesADocumentThatIsIndexedAndReadsBackAsItWasPublished() {
        byte[] pdf = Corpus.bytes(PDF);
        String extension = "mhd-" + UUID.randomUUID();
        String body = contentFirst(reference(extension, pdf));

        Response created = publish(hospital, body);
        created.then().statusCode(201).contentType(startsWith("application/fhir+json"));
        String id = R4.newJsonParser()
                .parseResource(DocumentReference.class, created.asString())
                .getIdElement()
                .getIdPart();
        created.then().header("Location", endsWith("/fhir/DocumentReference/" + id));
        assertEquals("INDEXED", Database.awaitConcluded(id));

        Response again = publish(hospital, body);
        again.then().statusCode(200);
        assertEquals(
                id,
                R4.newJsonParser()
                        .parseResource(DocumentReference.class, again.asString())
                        .getIdElement()
                        .getIdPart());

        assertArrayEquals(
                pdf, given().auth().oauth2(hospital).get("/fhir/Binary/" + id).asByteArray());
        String read = given().auth()
                .oauth2(KeycloakTokens.user("patient.dominique"))
                .get("/fhir/DocumentReference/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        DocumentReference back = R4.newJsonParser().parseResource(DocumentReference.class, read);
        assertEquals("urn:oid:" + ROOT, back.getMasterIdentifier().getSystem());
        assertEquals(extension, back.getMasterIdentifier().getValue());
        assertEquals("http://loinc.org", back.getType().getCodingFirstRep().getSystem());
        assertEquals("11490-0", back.getType().getCodingFirstRep().getCode());
        assertEquals("10", back.getCategoryFirstRep().getCodingFirstRep().getCode());
        assertEquals("Lettre de sortie publiée par MHD", back.getDescription());
        assertEquals("N", back.getSecurityLabelFirstRep().getCodingFirstRep().getCode());
        assertEquals(
                List.of("Jeanne Martin", "CHU de Lyon"),
                back.getAuthor().stream().map(Reference::getDisplay).toList());
        assertEquals("810001234567", back.getAuthorFirstRep().getIdentifier().getValue());
        assertEquals(
                Instant.parse("2026-10-01T08:00:00Z"),
                back.getContext().getPeriod().getStart().toInstant());
        assertEquals(
                Instant.parse("2026-10-04T12:00:00Z"),
                back.getContentFirstRep().getAttachment().getCreation().toInstant());
        assertEquals(pdf.length, back.getContentFirstRep().getAttachment().getSize());
    }

    @Test
    void aDocumentReferenceInXmlIsPublishedAsItsJsonFormIs() {
        byte[] pdf = Corpus.bytes(PDF);
        String extension = "mhd-xml-" + UUID.randomUUID();
        String xml = R4.newXmlParser().encodeResourceToString(reference(extension, pdf));

        Response created = given().auth()
                .oauth2(hospital)
                .contentType("application/fhir+xml")
                .body(xml.getBytes(StandardCharsets.UTF_8))
                .post("/fhir/DocumentReference");
        created.then().statusCode(201).contentType(startsWith("application/fhir+xml"));
        String id = R4.newXmlParser()
                .parseResource(DocumentReference.class, created.asString())
                .getIdElement()
                .getIdPart();
        assertArrayEquals(
                pdf, given().auth().oauth2(hospital).get("/fhir/Binary/" + id).asByteArray());
        assertEquals(
                extension,
                R4.newJsonParser()
                        .parseResource(
                                DocumentReference.class,
                                given().auth()
                                        .oauth2(hospital)
                                        .get("/fhir/DocumentReference/" + id)
                                        .asString())
                        .getMasterIdentifier()
                        .getValue());
    }

    @Test
    void whatCannotBePublishedIsRefusedWithTheProblemItIs() {
        byte[] text = "Compte rendu.".getBytes(StandardCharsets.UTF_8);
        refused(
                hospital,
                body(r -> r.getContentFirstRep().getAttachment().setData(null).setUrl("Binary/1")),
                422,
                "invalid-metadata");
        refused(hospital, body(r -> r.getSubject().getIdentifier().setValue("279035121518988")), 422, "invalid-ins");
        refused(
                hospital,
                body(r -> r.getContentFirstRep().getAttachment().setSize(text.length + 1)),
                422,
                "hash-mismatch");
        refused(
                hospital,
                body(r -> r.getContentFirstRep().getAttachment().setHash(new byte[20])),
                422,
                "hash-mismatch");
        refused(
                hospital,
                body(r -> r.getSubject().setIdentifier(null).setReference("Patient/1")),
                422,
                "invalid-metadata");
        refused(hospital, body(r -> r.setStatus(DocumentReferenceStatus.SUPERSEDED)), 422, "invalid-metadata");
        refused(hospital, "{\"resourceType\": \"DocumentReference\", ", 400, "malformed-request");
        refused(hospital, "{\"resourceType\": \"Patient\", \"id\": \"1\"}", 400, "malformed-request");
        refused(
                hospital,
                new JsonObject(body(r -> {})).put("notAnElement", true).encode(),
                400,
                "malformed-request");
        refused(
                hospital,
                new JsonObject(body(r -> {}))
                        .put(
                                "content",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put(
                                                        "attachment",
                                                        new JsonObject()
                                                                .put("contentType", "text/plain")
                                                                .put("data", "not base64 !"))))
                        .encode(),
                400,
                "malformed-request");
        // 8 MiB is the test profile's largest document.
        byte[] large = new byte[8 * 1024 * 1024 + 1];
        refused(hospital, contentFirst(reference("mhd-" + UUID.randomUUID(), large)), 413, "document-too-large");
        refused(KeycloakTokens.user("patient.dominique"), body(r -> {}), 403, "forbidden");
    }

    static String body(Consumer<DocumentReference> change) {
        DocumentReference reference =
                reference("mhd-" + UUID.randomUUID(), "Compte rendu.".getBytes(StandardCharsets.UTF_8));
        reference.getContentFirstRep().getAttachment().setContentType("text/plain");
        change.accept(reference);
        return contentFirst(reference);
    }

    static void refused(String token, String body, int status, String slug) {
        Response response = publish(token, body);
        response.then().statusCode(status).contentType(startsWith("application/fhir+json"));
        OperationOutcome outcome = R4.newJsonParser().parseResource(OperationOutcome.class, response.asString());
        assertEquals(
                slug,
                outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode(),
                response.asString());
    }
}
