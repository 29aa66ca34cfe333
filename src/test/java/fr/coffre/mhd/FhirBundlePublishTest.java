package fr.coffre.mhd;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
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
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ITI-65 on the real stack, from PDSm's own example Bundle (read from the corpus at run time) with
 * a valid INS and real documents in place of its empty CDA.
 */
@QuarkusTest
class FhirBundlePublishTest {

    static final FhirContext R4 = FhirContext.forR4Cached();
    static final String EXAMPLE = "fhir/Bundle-example-td2-iti65-lot-soumission.json";
    static final String PDF = "pdf/HL7-CCDA_UD_sample.pdf";
    static final String OTHER_PDF = "pdf/CR-BIO_TSH_rendition.pdf";
    static final String PATIENT = "Patient?identifier=urn:oid:" + Uploads.NIR_TEST + "|" + Uploads.TEST_PATIENT;
    static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    static String hospital;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
    }

    /** A unique id of its own, as the example writes them (an OID as a URI). */
    static String uniqueId() {
        return "1.2.250.1.999.65." + SERIAL.incrementAndGet();
    }

    /** The example, for Dominique, its one document {@code content} (a PDF) under {@code uniqueId}. */
    static JsonObject example(String uniqueId, byte[] content) {
        JsonObject bundle = new JsonObject(text(EXAMPLE));
        JsonArray entries = bundle.getJsonArray("entry");
        entries.getJsonObject(0)
                .getJsonObject("resource")
                .getJsonObject("subject")
                .put("reference", PATIENT);
        JsonObject reference = entries.getJsonObject(1).getJsonObject("resource");
        describe(reference, uniqueId, content);
        JsonObject binary = entries.getJsonObject(2).getJsonObject("resource");
        binary.put("contentType", "application/pdf")
                .put("data", Base64.getEncoder().encodeToString(content));
        return bundle;
    }

    static String text(String relative) {
        return new String(Corpus.bytes(relative), StandardCharsets.UTF_8);
    }

    static void describe(JsonObject reference, String uniqueId, byte[] content) {
        reference.getJsonObject("subject").put("reference", PATIENT);
        reference.getJsonObject("masterIdentifier").put("value", "urn:oid:" + uniqueId);
        JsonObject attachment =
                reference.getJsonArray("content").getJsonObject(0).getJsonObject("attachment");
        attachment
                .put("contentType", "application/pdf")
                .put("size", content.length)
                .put("hash", Base64.getEncoder().encodeToString(FhirPublishTest.sha1(content)));
    }

    /** The example's document entry and Binary entry copied as one more document, listed in the set. */
    static JsonObject withAnother(JsonObject bundle, String uniqueId, byte[] content, boolean binaryFirst) {
        JsonArray entries = bundle.getJsonArray("entry");
        String suffix = UUID.randomUUID().toString();
        JsonObject referenceEntry =
                example(uniqueId, content).getJsonArray("entry").getJsonObject(1);
        JsonObject binaryEntry =
                example(uniqueId, content).getJsonArray("entry").getJsonObject(2);
        referenceEntry.put("fullUrl", "urn:uuid:" + suffix);
        binaryEntry.put("fullUrl", "urn:uuid:" + UUID.randomUUID());
        attachmentOf(referenceEntry).put("url", binaryEntry.getString("fullUrl"));
        if (binaryFirst) {
            entries.add(binaryEntry).add(referenceEntry);
        } else {
            entries.add(referenceEntry).add(binaryEntry);
        }
        list(bundle)
                .getJsonArray("entry")
                .add(new JsonObject().put("item", new JsonObject().put("reference", "urn:uuid:" + suffix)));
        return bundle;
    }

    /** One more document whose bytes are its attachment's data, with no Binary. */
    static JsonObject withInline(JsonObject bundle, String uniqueId, byte[] content) {
        JsonObject referenceEntry =
                example(uniqueId, content).getJsonArray("entry").getJsonObject(1);
        String fullUrl = "urn:uuid:" + UUID.randomUUID();
        referenceEntry.put("fullUrl", fullUrl);
        attachmentOf(referenceEntry).remove("url");
        attachmentOf(referenceEntry).put("data", Base64.getEncoder().encodeToString(content));
        bundle.getJsonArray("entry").add(referenceEntry);
        list(bundle)
                .getJsonArray("entry")
                .add(new JsonObject().put("item", new JsonObject().put("reference", fullUrl)));
        return bundle;
    }

    static JsonObject attachmentOf(JsonObject entry) {
        return entry.getJsonObject("resource")
                .getJsonArray("content")
                .getJsonObject(0)
                .getJsonObject("attachment");
    }

    static JsonObject list(JsonObject bundle) {
        return bundle.getJsonArray("entry").getJsonObject(0).getJsonObject("resource");
    }

    static Response publish(String token, JsonObject bundle) {
        return given().auth()
                .oauth2(token)
                .contentType("application/fhir+json")
                .body(bundle.encode().getBytes(StandardCharsets.UTF_8))
                .post("/fhir");
    }

    static Bundle answered(Response response) {
        response.then().statusCode(200).contentType(startsWith("application/fhir+json"));
        Bundle answer = R4.newJsonParser().parseResource(Bundle.class, response.asString());
        assertEquals(Bundle.BundleType.TRANSACTIONRESPONSE, answer.getType());
        return answer;
    }

    static List<String> statuses(Bundle answer) {
        return answer.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
    }

    static String id(Bundle answer, int entry) {
        String location = answer.getEntry().get(entry).getResponse().getLocation();
        return location.substring(location.indexOf('/') + 1);
    }

    static long kept(String... uniqueIds) {
        return Database.count("SELECT count(*) FROM document WHERE unique_id = ANY(?)", (Object) uniqueIds);
    }

    @Test
    void theExampleBundleIsPublishedEntryByEntryAndItsDocumentIsIndexedAndRetrieved() {
        byte[] pdf = Corpus.bytes(PDF);
        String uniqueId = uniqueId();
        JsonObject bundle = example(uniqueId, pdf);

        Bundle answer = answered(publish(hospital, bundle));
        assertEquals(List.of("201 Created", "201 Created", "201 Created"), statuses(answer));
        String id = id(answer, 1);
        assertEquals("Binary/" + id, answer.getEntry().get(2).getResponse().getLocation());
        assertEquals(
                "List/", answer.getEntry().get(0).getResponse().getLocation().substring(0, 5));
        assertEquals("INDEXED", Database.awaitConcluded(id));
        assertArrayEquals(
                pdf, given().auth().oauth2(hospital).get("/fhir/Binary/" + id).asByteArray());
        DocumentReference read = R4.newJsonParser()
                .parseResource(
                        DocumentReference.class,
                        given().auth()
                                .oauth2(KeycloakTokens.user("patient.dominique"))
                                .get("/fhir/DocumentReference/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString());
        assertEquals("urn:oid:" + uniqueId, read.getMasterIdentifier().getValue());
        assertEquals("11488-4", read.getType().getCodingFirstRep().getCode());

        Bundle again = answered(publish(hospital, bundle));
        assertEquals(List.of("201 Created", "200 OK", "200 OK"), statuses(again), "a new set, the same document");
        assertEquals(id, id(again, 1));
        assertEquals(1, kept(uniqueId));
    }

    @Test
    void theSubmissionSetKeepsItsOwnMetadataAndAProducerListsItsSetsAndFindsItsDocumentsByUniqueId() {
        String uniqueId = uniqueId();
        JsonObject bundle = example(uniqueId, Corpus.bytes(PDF));
        list(bundle)
                .put("title", "Lot de soumission")
                .put(
                        "identifier",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("use", "official")
                                        .put("system", "urn:ietf:rfc:3986")
                                        .put("value", "urn:oid:" + uniqueId + ".0")));
        Bundle answer = answered(publish(hospital, bundle));
        String set = id(answer, 0);
        String document = id(answer, 1);
        String newer = id(answered(publish(hospital, example(uniqueId(), Corpus.bytes(OTHER_PDF)))), 0);

        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + set)
                .then()
                .statusCode(200)
                .body("uniqueId", is(uniqueId + ".0"))
                .body("sourceId", is("1.2.3.4.5.6.7.8"))
                .body("contentTypeCode.code", is("11"))
                .body("title", is("Lot de soumission"));
        given().auth()
                .oauth2(hospital)
                .queryParam("limit", 1)
                .get("/api/v1/submissions")
                .then()
                .statusCode(200)
                .body("id", contains(newer))
                .body("[0].counts.created", is(1))
                .body("[0].documents", nullValue());
        given().auth()
                .oauth2(hospital)
                .queryParam("limit", 1)
                .queryParam("before", newer)
                .get("/api/v1/submissions")
                .then()
                .statusCode(200)
                .body("id", contains(set));
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .get("/api/v1/submissions")
                .then()
                .statusCode(200)
                .body("id", not(hasItem(set)));

        given().auth()
                .oauth2(hospital)
                .queryParam("uniqueId", uniqueId)
                .get("/api/v1/documents")
                .then()
                .statusCode(200)
                .body("id", contains(document));
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .queryParam("uniqueId", uniqueId)
                .get("/api/v1/documents")
                .then()
                .statusCode(200)
                .body("id", empty());
    }

    @Test
    void anXmlBundleIsTheSamePublicationAsItsJsonFormAndIsAnsweredInXml() {
        byte[] pdf = Corpus.bytes(PDF);
        String uniqueId = uniqueId();
        Bundle parsed = R4.newJsonParser()
                .parseResource(Bundle.class, example(uniqueId, pdf).encode());
        String xml = R4.newXmlParser().encodeResourceToString(parsed);

        Response response = given().auth()
                .oauth2(hospital)
                .contentType("application/fhir+xml")
                .body(xml.getBytes(StandardCharsets.UTF_8))
                .post("/fhir");
        response.then().statusCode(200).contentType(startsWith("application/fhir+xml"));
        Bundle answer = R4.newXmlParser().parseResource(Bundle.class, response.asString());
        assertEquals(List.of("201 Created", "201 Created", "201 Created"), statuses(answer));
        String id = id(answer, 1);
        assertArrayEquals(
                pdf, given().auth().oauth2(hospital).get("/fhir/Binary/" + id).asByteArray());

        Response doctype = given().auth()
                .oauth2(hospital)
                .contentType("application/fhir+xml")
                .body(("<?xml version=\"1.0\"?><!DOCTYPE Bundle [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                                + xml.substring(xml.indexOf("<Bundle")))
                        .getBytes(StandardCharsets.UTF_8))
                .post("/fhir");
        doctype.then().statusCode(400).contentType(startsWith("application/fhir+xml"));
    }

    @Test
    void severalDocumentsAreKeptTogetherWhateverOrderTheirBytesComeIn() {
        String first = uniqueId();
        String second = uniqueId();
        String third = uniqueId();
        JsonObject bundle = example(first, Corpus.bytes(PDF));
        withAnother(bundle, second, Corpus.bytes(OTHER_PDF), true);
        withInline(bundle, third, "Compte rendu de consultation.".getBytes(StandardCharsets.UTF_8));
        attachmentOf(bundle.getJsonArray("entry").getJsonObject(5)).put("contentType", "text/plain");
        // A label without a code says nothing: ignored, not a failure.
        bundle.getJsonArray("entry")
                .getJsonObject(5)
                .getJsonObject("resource")
                .getJsonArray("securityLabel")
                .add(new JsonObject().put("coding", new JsonArray().add(new JsonObject().put("display", "?"))));

        Bundle answer = answered(publish(hospital, bundle));
        assertEquals(
                List.of("201 Created", "201 Created", "201 Created", "201 Created", "201 Created", "201 Created"),
                statuses(answer));
        assertEquals(id(answer, 4), id(answer, 3), "the Binary sent first answers with its document");
        String submission = id(answer, 0);
        given().auth()
                .oauth2(hospital)
                .get("/api/v1/submissions/" + submission)
                .then()
                .statusCode(200)
                .body("state", is("COMPLETE"))
                .body("expected", is(3))
                .body("counts.created", is(3))
                .body("documents.part", contains("entry/1", "entry/4", "entry/5"));
        for (int entry : new int[] {1, 4, 5}) {
            assertEquals("INDEXED", Database.awaitConcluded(id(answer, entry)));
        }
        assertEquals(3, kept(first, second, third));
    }

    @Test
    void whenOneDocumentIsRefusedNoneOfTheBundleIsKept() {
        String first = uniqueId();
        String second = uniqueId();
        String third = uniqueId();
        JsonObject bundle = example(first, Corpus.bytes(PDF));
        withAnother(bundle, second, Corpus.bytes(OTHER_PDF), false);
        // The last one says PDF but is text: refused once the first two are already stored.
        withInline(bundle, third, "Pas un PDF.".getBytes(StandardCharsets.UTF_8));

        Timestamp before = Timestamp.from(Instant.now().minusMillis(1));
        Response refusal = publish(hospital, bundle);
        refused(refusal, 415, "media-type-mismatch");
        assertEquals(
                "Bundle.entry[5]",
                R4.newJsonParser()
                        .parseResource(OperationOutcome.class, refusal.asString())
                        .getIssueFirstRep()
                        .getExpression()
                        .getFirst()
                        .getValue(),
                "the refused document's entry");
        assertEquals(0, kept(first, second, third));
        assertEquals(
                0,
                Database.count("SELECT count(*) FROM pending_object WHERE created_at >= ?", before),
                "the objects the first two had stored are deleted, not left to the sweeper");

        attachmentOf(bundle.getJsonArray("entry").getJsonObject(5)).put("contentType", "text/plain");
        assertEquals(
                List.of("201 Created", "201 Created", "201 Created", "201 Created", "201 Created", "201 Created"),
                statuses(answered(publish(hospital, bundle))),
                "nothing of the refused bundle was kept");
    }

    @Test
    void aReplacementSupersedesThePreviousVersionAndItsPatchIsAnswered() {
        String uniqueId = uniqueId();
        String previous = id(answered(publish(hospital, example(uniqueId, Corpus.bytes(PDF)))), 1);

        JsonObject bundle = example(uniqueId(), Corpus.bytes(OTHER_PDF));
        bundle.getJsonArray("entry")
                .getJsonObject(1)
                .getJsonObject("resource")
                .put(
                        "relatesTo",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("code", "replaces")
                                        .put(
                                                "target",
                                                new JsonObject().put("reference", "DocumentReference/" + previous))));
        bundle.getJsonArray("entry")
                .add(new JsonObject()
                        .put("fullUrl", "urn:uuid:" + UUID.randomUUID())
                        .put(
                                "resource",
                                new JsonObject()
                                        .put("resourceType", "Parameters")
                                        .put(
                                                "parameter",
                                                new JsonArray()
                                                        .add(new JsonObject()
                                                                .put("name", "operation")
                                                                .put("part", new JsonArray()))))
                        .put(
                                "request",
                                new JsonObject().put("method", "PATCH").put("url", "DocumentReference/" + previous)));

        Bundle answer = answered(publish(hospital, bundle));
        assertEquals(List.of("201 Created", "201 Created", "201 Created", "200 OK"), statuses(answer));
        assertEquals(
                "DocumentReference/" + previous,
                answer.getEntry().get(3).getResponse().getLocation());
        assertEquals("SUPERSEDED", Database.status(previous));
    }

    @Test
    void aFolderIsNotKeptButItsDocumentsArePublishedWithTheWarningMhdAllows() {
        byte[] pdf = Corpus.bytes(PDF);
        String uniqueId = uniqueId();
        JsonObject bundle = example(uniqueId, pdf);
        String folderUrl = "urn:uuid:" + UUID.randomUUID();
        String referenceUrl = bundle.getJsonArray("entry").getJsonObject(1).getString("fullUrl");
        bundle.getJsonArray("entry")
                .add(new JsonObject()
                        .put("fullUrl", folderUrl)
                        .put("resource", folder(referenceUrl))
                        .put("request", new JsonObject().put("method", "POST").put("url", "List")));
        list(bundle)
                .getJsonArray("entry")
                .add(new JsonObject().put("item", new JsonObject().put("reference", folderUrl)));

        Bundle answer = answered(publish(hospital, bundle));
        assertEquals(List.of("201 Created", "201 Created", "201 Created", "200 OK"), statuses(answer));
        var warning = answer.getEntry().get(3).getResponse().getOutcome();
        assertEquals(
                "PartialFolderContentNotProcessed",
                ((OperationOutcome) warning).getIssueFirstRep().getDetails().getText());
        assertEquals(
                OperationOutcome.IssueSeverity.WARNING,
                ((OperationOutcome) warning).getIssueFirstRep().getSeverity());
        assertEquals(1, kept(uniqueId), "the folder's document is published");

        JsonObject otherList = example(uniqueId(), pdf);
        JsonObject notAFolder = folder(referenceUrl);
        notAFolder.getJsonObject("code").getJsonArray("coding").getJsonObject(0).put("code", "worklist");
        otherList
                .getJsonArray("entry")
                .add(new JsonObject()
                        .put("fullUrl", "urn:uuid:" + UUID.randomUUID())
                        .put("resource", notAFolder)
                        .put("request", new JsonObject().put("method", "POST").put("url", "List")));
        refused(publish(hospital, otherList), 422, "invalid-metadata");
    }

    /** An MHD folder listing a document of the bundle. */
    static JsonObject folder(String documentUrl) {
        return new JsonObject()
                .put("resourceType", "List")
                .put("status", "current")
                .put("mode", "working")
                .put("title", "Suivi de grossesse")
                .put(
                        "code",
                        new JsonObject()
                                .put(
                                        "coding",
                                        new JsonArray()
                                                .add(new JsonObject()
                                                        .put(
                                                                "system",
                                                                "https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes")
                                                        .put("code", "folder"))))
                .put("subject", new JsonObject().put("reference", PATIENT))
                .put(
                        "entry",
                        new JsonArray()
                                .add(new JsonObject().put("item", new JsonObject().put("reference", documentUrl))));
    }

    @Test
    void whatABundleCannotCarryIsRefusedWithTheOperationOutcomeItIs() {
        byte[] pdf = Corpus.bytes(PDF);
        refused(publish(hospital, example(uniqueId(), pdf).put("type", "batch")), 422, "invalid-metadata");
        JsonObject noSet = example(uniqueId(), pdf);
        noSet.getJsonArray("entry").remove(0);
        refused(publish(hospital, noSet), 422, "invalid-metadata");
        JsonObject unlisted = example(uniqueId(), pdf);
        list(unlisted).put("entry", new JsonArray());
        refused(publish(hospital, unlisted), 422, "invalid-metadata");
        JsonObject strayBinary = example(uniqueId(), pdf);
        attachmentOf(strayBinary.getJsonArray("entry").getJsonObject(1)).put("url", "urn:uuid:" + UUID.randomUUID());
        refused(publish(hospital, strayBinary), 422, "invalid-metadata");
        JsonObject otherPatient = example(uniqueId(), pdf);
        otherPatient
                .getJsonArray("entry")
                .getJsonObject(1)
                .getJsonObject("resource")
                .getJsonObject("subject")
                .put("reference", "Patient?identifier=urn:oid:" + Uploads.NIR_TEST + "|" + "180057512345627");
        Response conflict = publish(hospital, otherPatient);
        refused(conflict, 409, "patient-conflict");
        assertEquals(
                "XDSPatientIdDoesNotMatch",
                R4.newJsonParser()
                        .parseResource(OperationOutcome.class, conflict.asString())
                        .getIssueFirstRep()
                        .getDetails()
                        .getText(),
                "the XDS error code, as MHD clients expect it");
        JsonObject badlyEncoded = example(uniqueId(), pdf);
        list(badlyEncoded).getJsonObject("subject").put("reference", "Patient?identifier=%zz");
        refused(publish(hospital, badlyEncoded), 422, "invalid-metadata");
        JsonObject withPatient = example(uniqueId(), pdf);
        withPatient
                .getJsonArray("entry")
                .add(new JsonObject()
                        .put("fullUrl", "urn:uuid:" + UUID.randomUUID())
                        .put("resource", new JsonObject().put("resourceType", "Patient"))
                        .put("request", new JsonObject().put("method", "POST").put("url", "Patient")));
        refused(publish(hospital, withPatient), 422, "invalid-metadata");
        JsonObject foreignPatch = example(uniqueId(), pdf);
        foreignPatch
                .getJsonArray("entry")
                .add(new JsonObject()
                        .put("fullUrl", "urn:uuid:" + UUID.randomUUID())
                        .put("resource", new JsonObject().put("resourceType", "Parameters"))
                        .put(
                                "request",
                                new JsonObject()
                                        .put("method", "PATCH")
                                        .put("url", "DocumentReference/" + UUID.randomUUID())));
        refused(publish(hospital, foreignPatch), 422, "invalid-metadata");
        JsonObject wrongHash = example(uniqueId(), pdf);
        attachmentOf(wrongHash.getJsonArray("entry").getJsonObject(1))
                .put("hash", Base64.getEncoder().encodeToString(new byte[20]));
        refused(publish(hospital, wrongHash), 422, "hash-mismatch");
        refused(
                publish(hospital, new JsonObject(FhirPublishTest.contentFirst(FhirPublishTest.reference("x", pdf)))),
                400,
                "malformed-request");
        refused(publish(KeycloakTokens.user("patient.dominique"), example(uniqueId(), pdf)), 403, "forbidden");
    }

    static void refused(Response response, int status, String problem) {
        response.then().statusCode(status).contentType(startsWith("application/fhir+json"));
        OperationOutcome outcome = R4.newJsonParser().parseResource(OperationOutcome.class, response.asString());
        assertEquals(
                problem,
                outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode(),
                outcome.getIssueFirstRep().getDiagnostics());
    }
}
