package fr.coffre.ingest;

import static fr.coffre.testing.Uploads.metadata;
import static fr.coffre.testing.Uploads.upload;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.event.EventCodec;
import fr.coffre.storage.ObjectStorageConfig;
import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.StalledRequest;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.Submissions;
import fr.coffre.testing.Uploads;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.minio.MinioAsyncClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DocumentUploadTest {

    static final String PDF = "pdf/CR-BIO_TSH_rendition.pdf";
    static final String OTHER_PDF = "pdf/CR-IMG_N1_rendition.pdf";
    static String hospital;

    @Inject
    MinioAsyncClient s3;

    @Inject
    ObjectStorageConfig storage;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @BeforeAll
    static void tokens() {
        hospital = KeycloakTokens.hospital();
    }

    static String uniqueId() {
        return "test-" + UUID.randomUUID();
    }

    @Test
    void aClientThatLeavesInTheMiddleOfALargeBodyIsAMalformedRequestNotAStorageFailure() throws Exception {
        // Past the first part (5 MiB), the body is read while it is stored, in parts.
        byte[] content = new byte[7 * 1024 * 1024];
        System.arraycopy(Corpus.bytes(PDF), 0, content, 0, 1024);
        Submissions upload = new Submissions()
                .part(
                        "metadata",
                        "application/json",
                        Uploads.metadata(uniqueId()).encode().getBytes(StandardCharsets.UTF_8))
                .part("content", "application/pdf", content);
        byte[] body = upload.bytes();
        double malformed = refusals("malformed-request");
        double storage = refusals("dependency-unavailable");
        long pending = Database.count("SELECT count(*) FROM pending_object");

        try (StalledRequest request = new StalledRequest(
                ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class),
                "/api/v1/documents",
                hospital,
                upload.contentType(),
                body,
                6 * 1024 * 1024)) {
            // The head was read and checked: the object is being written when the client leaves.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Database.count("SELECT count(*) FROM pending_object") > pending);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> refusals("malformed-request") > malformed);
        assertEquals(storage, refusals("dependency-unavailable"), "the store did nothing wrong");
    }

    private double refusals(String problem) {
        Timer timer = registry.find("coffre.upload.duration")
                .tag("outcome", UploadMetrics.REJECTED)
                .tag("problem", problem)
                .timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void acceptedDocumentIsStoredRecordedAndAnnounced() throws Exception {
        String uniqueId = uniqueId();
        byte[] pdf = Corpus.bytes(PDF);
        Response created = upload(hospital, metadata(uniqueId), pdf, "application/pdf");
        created.then()
                .statusCode(201)
                .header("Location", startsWith("http"))
                .body("uniqueId", equalTo(uniqueId))
                .body("status", equalTo("STORED"))
                .body("size", equalTo(pdf.length))
                .body(
                        "sha256",
                        equalTo(Corpus.manifest().stream()
                                .filter(r -> r.get("file").equals(PDF))
                                .findFirst()
                                .orElseThrow()
                                .get("sha256")))
                .body("mediaType", equalTo("application/pdf"))
                .body("patient.id", equalTo("279035121518989"))
                .body("patient.system", equalTo("1.2.250.1.213.1.4.10"))
                .body("typeCode.code", equalTo("11502-2"));
        String id = created.path("id");
        String sha256 = created.path("sha256");

        given().auth()
                .oauth2(hospital)
                .when()
                .get(created.header("Location"))
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("status", oneOf("STORED", "INDEXED"));

        String key = pool.preparedQuery("SELECT object_key FROM document WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id)))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getString(0);
        assertTrue(!key.contains("279035121518989"), "object keys carry no patient identity");
        var stat = s3.statObject(StatObjectArgs.builder()
                        .bucket(storage.bucket())
                        .object(key)
                        .build())
                .get(10, TimeUnit.SECONDS);
        assertEquals(pdf.length, stat.size());
        assertEquals(sha256, stat.userMetadata().get("sha256"));

        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of("coffre.documents.stored"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (EventCodec.decode(record.value())
                            .documentId()
                            .toString()
                            .equals(id)) {
                        assertTrue(!record.key().contains("279035121518989"), "record keys carry no INS");
                        return true;
                    }
                }
                return false;
            });
        }
    }

    @Test
    void aRetriedUploadReturnsTheOriginal() {
        Timestamp before = Timestamp.from(Instant.now().minusMillis(1));
        String uniqueId = uniqueId();
        byte[] pdf = Corpus.bytes(PDF);
        String id = upload(hospital, metadata(uniqueId), pdf, "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        upload(hospital, metadata(uniqueId), pdf, "application/pdf")
                .then()
                .statusCode(200)
                .body("id", equalTo(id));
        assertEquals(1, countLive(uniqueId));
        assertEquals(
                0,
                Database.count("SELECT count(*) FROM pending_object WHERE created_at >= ?", before),
                "the retry's record of an object it never wrote is gone with it");
    }

    @Test
    void theSameUniqueIdWithOtherBytesIsAConflict() {
        Timestamp before = Timestamp.from(Instant.now().minusMillis(1));
        String uniqueId = uniqueId();
        upload(hospital, metadata(uniqueId), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(201);
        upload(hospital, metadata(uniqueId), Corpus.bytes(OTHER_PDF), "application/pdf")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://coffre.example/problems/unique-id-conflict"))
                .body("status", equalTo(409));
        assertEquals(1, countLive(uniqueId));
        assertEquals(0, Database.count("SELECT count(*) FROM pending_object WHERE created_at >= ?", before));
    }

    @Test
    void aRetriedLargeUploadReturnsTheOriginalAndKeepsNoSecondObject() {
        Instant before = Instant.now().minusMillis(1);
        List<String> earlier = StoredObjects.keysModifiedSince(before);
        String uniqueId = uniqueId();
        byte[] large = largePdf(1);
        String id = upload(hospital, metadata(uniqueId), large, "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        upload(hospital, metadata(uniqueId), large, "application/pdf")
                .then()
                .statusCode(200)
                .body("id", equalTo(id));
        assertEquals(1, countLive(uniqueId));
        assertEquals(
                0, Database.count("SELECT count(*) FROM pending_object WHERE created_at >= ?", Timestamp.from(before)));
        assertEquals(1, objectsWrittenSince(before, earlier), "the retry's object is deleted");
    }

    @Test
    void theSameUniqueIdWithOtherLargeBytesIsAConflictThatKeepsNothingOfThem() {
        Instant before = Instant.now().minusMillis(1);
        List<String> earlier = StoredObjects.keysModifiedSince(before);
        String uniqueId = uniqueId();
        upload(hospital, metadata(uniqueId), largePdf(2), "application/pdf")
                .then()
                .statusCode(201);
        upload(hospital, metadata(uniqueId), largePdf(3), "application/pdf")
                .then()
                .statusCode(409)
                .body("type", equalTo("https://coffre.example/problems/unique-id-conflict"));
        assertEquals(1, countLive(uniqueId));
        // Refused once its bytes were stored (its hash is known only then): deleted at once, not
        // left to the sweeper.
        assertEquals(
                0, Database.count("SELECT count(*) FROM pending_object WHERE created_at >= ?", Timestamp.from(before)));
        assertEquals(1, objectsWrittenSince(before, earlier));
    }

    /** Objects written since then, but for those listed already (the listing is a second lenient). */
    private static int objectsWrittenSince(Instant since, List<String> earlier) {
        List<String> written = new ArrayList<>(StoredObjects.keysModifiedSince(since));
        written.removeAll(earlier);
        return written.size();
    }

    /** A PDF's head, then zeros up to past the first storage part (5 MiB), its last byte {@code seed}. */
    private static byte[] largePdf(int seed) {
        byte[] content = new byte[6 * 1024 * 1024];
        System.arraycopy(Corpus.bytes(PDF), 0, content, 0, 1024);
        content[content.length - 1] = (byte) seed;
        return content;
    }

    @Test
    void aReplacementSupersedesTheOldVersion() {
        String uniqueId = uniqueId();
        String first = upload(hospital, metadata(uniqueId), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        JsonObject replacement = metadata(uniqueId).put("replaces", first);
        String second = upload(hospital, replacement, Corpus.bytes(OTHER_PDF), "application/pdf")
                .then()
                .statusCode(201)
                .body("replaces", equalTo(first))
                .extract()
                .path("id");
        given().auth()
                .oauth2(hospital)
                .when()
                .get("/api/v1/documents/" + first)
                .then()
                .statusCode(200)
                .body("status", equalTo("SUPERSEDED"));
        given().auth()
                .oauth2(hospital)
                .when()
                .get("/api/v1/documents/" + second)
                .then()
                .statusCode(200)
                .body("status", oneOf("STORED", "INDEXED")); // the workers may be done already
        // The replacement retried: the same new version, not a third one.
        upload(hospital, replacement, Corpus.bytes(OTHER_PDF), "application/pdf")
                .then()
                .statusCode(200)
                .body("id", equalTo(second));
    }

    @Test
    void concurrentIdenticalUploadsCreateExactlyOneDocument() throws Exception {
        String uniqueId = uniqueId();
        byte[] pdf = Corpus.bytes(PDF);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> upload(hospital, metadata(uniqueId), pdf, "application/pdf"));
            }
            List<Integer> statuses = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            for (Future<Response> f : pool.invokeAll(calls)) {
                Response r = f.get();
                statuses.add(r.statusCode());
                ids.add(r.path("id"));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
            assertEquals(7, statuses.stream().filter(s -> s == 200).count(), "statuses " + statuses);
            assertEquals(1, ids.size());
            assertEquals(1, countLive(uniqueId));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEmptyDocumentIsRefused() {
        upload(hospital, metadata(uniqueId()), new byte[0], "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/empty-document"));
    }

    @Test
    void aDocumentWithoutPatientIsRefused() {
        JsonObject noPatient = metadata(uniqueId());
        noPatient.remove("patient");
        upload(hospital, noPatient, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/missing-patient"));
    }

    @Test
    void anInsWhoseKeyIsWrongIsRefused() {
        JsonObject wrongKey = metadata(uniqueId());
        wrongKey.getJsonObject("patient").put("id", "279035121518988");
        upload(hospital, wrongKey, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/invalid-ins"));
        JsonObject notIns = metadata(uniqueId());
        notIns.getJsonObject("patient").put("system", "2.16.840.1.113883.4.1");
        upload(hospital, notIns, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/invalid-ins"));
    }

    @Test
    void corsicanInsNumbersAreChecked() {
        // 2A and 2B count as 19 and 18 in the key: key(1 80 05 2A 123 456) = 97 - 1800519123456 mod 97
        long number = 1800519123456L;
        String valid = "180052A123456" + String.format("%02d", 97 - number % 97);
        JsonObject corsica = metadata(uniqueId());
        corsica.getJsonObject("patient").put("id", valid);
        upload(hospital, corsica, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(201)
                .body("patient.id", equalTo(valid));
    }

    @Test
    void aTypeCodeIsRequired() {
        JsonObject noType = metadata(uniqueId());
        noType.remove("typeCode");
        upload(hospital, noType, Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/invalid-metadata"));
    }

    @Test
    void anUnknownMetadataFieldIsReportedNotIgnored() {
        upload(hospital, metadata(uniqueId()).put("patientt", "x"), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(422)
                .body("detail", containsString("patientt"));
    }

    @Test
    void aWrongDeclaredSha256IsRefusedAndNothingKept() {
        String uniqueId = uniqueId();
        byte[] pdf = Corpus.bytes(PDF);
        upload(hospital, metadata(uniqueId).put("sha256", "0".repeat(64)), pdf, "application/pdf")
                .then()
                .statusCode(422)
                .body("type", equalTo("https://coffre.example/problems/hash-mismatch"))
                .body(
                        "detail",
                        containsString("The content's sha256 is " + Uploads.sha256(pdf) + ", not the declared"));
        assertEquals(0, countLive(uniqueId));
    }

    @Test
    void aDisguisedExecutableIsRefused() {
        upload(hospital, metadata(uniqueId()), Corpus.bytes("bad/elf-executable-disguised.pdf"), "application/pdf")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("https://coffre.example/problems/media-type-mismatch"));
    }

    @Test
    void anArchiveIsNotAcceptedAsADocument() {
        upload(hospital, metadata(uniqueId()), Corpus.bytes("bad/nested-zip-bomb_DO-NOT-UNZIP.zip"), "application/zip")
                .then()
                .statusCode(415)
                .body("type", equalTo("https://coffre.example/problems/unsupported-media-type"));
    }

    @Test
    void aDocumentOverTheSizeLimitIsRefusedWith413() {
        byte[] big = new byte[9 * 1024 * 1024];
        System.arraycopy("%PDF-1.7\n".getBytes(), 0, big, 0, 9);
        upload(hospital, metadata(uniqueId()), big, "application/pdf")
                .then()
                .statusCode(413)
                .body("type", equalTo("https://coffre.example/problems/document-too-large"));
    }

    @Test
    void aClientFileNameNeverBecomesAPath() {
        given().auth()
                .oauth2(hospital)
                .multiPart(
                        "metadata",
                        "metadata.json",
                        metadata(uniqueId()).encode().getBytes(),
                        "application/json")
                .multiPart("content", "../../../etc/passwd.pdf", Corpus.bytes(PDF), "application/pdf")
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(201);
    }

    @Test
    void callersWithoutAProducerTokenAreRefused() {
        upload("not-a-token", metadata(uniqueId()), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        upload(KeycloakTokens.user("patient.dominique"), metadata(uniqueId()), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        upload(
                        KeycloakTokens.clientCredentials("other-api-client", "other-api-local-secret"),
                        metadata(uniqueId()),
                        Corpus.bytes(PDF),
                        "application/pdf")
                .then()
                .statusCode(401);
    }

    @Test
    void aProducerSeesOnlyItsOwnDocuments() {
        String id = upload(hospital, metadata(uniqueId()), Corpus.bytes(PDF), "application/pdf")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(KeycloakTokens.laboratory())
                .when()
                .get("/api/v1/documents/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(hospital)
                .when()
                .get("/api/v1/documents/" + UUID.randomUUID())
                .then()
                .statusCode(404);
    }

    @Test
    void aDeletedDocumentsUniqueIdIsNeverAcceptedAgain() {
        JsonObject metadata = metadata("deleted-" + UUID.randomUUID());
        byte[] text = "Compte rendu envoyé par erreur.".getBytes(StandardCharsets.UTF_8);
        String id = upload(hospital, metadata, text, "text/plain")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        given().auth().oauth2(hospital).delete("/api/v1/documents/" + id).then().statusCode(204);

        for (byte[] content : List.of(text, "Une autre version.".getBytes(StandardCharsets.UTF_8))) {
            upload(hospital, metadata, content, "text/plain")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", endsWith("/unique-id-conflict"))
                    .body("detail", containsString("which you deleted"))
                    .body("deletedDocument", equalTo(id));
        }
    }

    @Test
    void aSingleUploadRefusedForWhatFollowsItsContentCreatesNothing() {
        for (String tail : List.of(
                "--xyz\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\nsurplus\r\n--xyz--\r\n", "--xy")) {
            String uniqueId = "tail-" + UUID.randomUUID();
            String start = "--xyz\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                    + "Content-Type: application/json\r\n\r\n"
                    + metadata(uniqueId).encode()
                    + "\r\n--xyz\r\nContent-Disposition: form-data; name=\"content\"\r\n"
                    + "Content-Type: text/plain\r\n\r\nCompte rendu.\r\n";
            given().auth()
                    .oauth2(hospital)
                    .contentType("multipart/form-data; boundary=xyz")
                    .body((start + tail).getBytes(StandardCharsets.UTF_8))
                    .when()
                    .post("/api/v1/documents")
                    .then()
                    .statusCode(400)
                    .body("type", endsWith("/malformed-request"));
            assertEquals(0, countLive(uniqueId), "committed although refused: " + tail);

            given().auth()
                    .oauth2(hospital)
                    .contentType("multipart/form-data; boundary=xyz")
                    .body((start + "--xyz--\r\n").getBytes(StandardCharsets.UTF_8))
                    .when()
                    .post("/api/v1/documents")
                    .then()
                    .statusCode(201);
        }
    }

    @Test
    void aMalformedBodyIsA400() {
        given().auth()
                .oauth2(hospital)
                .contentType("multipart/form-data; boundary=xyz")
                .body("--xyz\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\nno closing boundary".getBytes())
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aPartHeaderWithAnEndlessQuotedNameIsA400NotA500() {
        String header = "Content-Disposition: form-data; name=\"" + "a".repeat(15_000);
        given().auth()
                .oauth2(hospital)
                .contentType("multipart/form-data; boundary=xyz")
                .body(("--xyz\r\n" + header + "\r\n\r\n%PDF-1.4\r\n--xyz--\r\n").getBytes(StandardCharsets.ISO_8859_1))
                .when()
                .post("/api/v1/documents")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", endsWith("/malformed-request"));
    }

    private long countLive(String uniqueId) {
        return pool.preparedQuery("SELECT count(*) FROM document WHERE unique_id = $1 AND status <> 'SUPERSEDED'")
                .execute(Tuple.of(uniqueId))
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getLong(0);
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "upload-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()));
    }
}
