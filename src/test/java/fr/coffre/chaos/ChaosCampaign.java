package fr.coffre.chaos;

import static fr.coffre.testing.Uploads.sha256;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.Database;
import fr.coffre.testing.KeycloakTokens;
import fr.coffre.testing.LocalStack;
import fr.coffre.testing.ServiceProcess;
import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.Submissions;
import fr.coffre.testing.Topics;
import fr.coffre.testing.Uploads;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;

/**
 * The fault campaign of issue 15: two api-only and two worker-only service processes on the local
 * stack, producers uploading singles and submission sets of real corpus documents, a patient
 * reading, while service processes are killed with SIGKILL and PostgreSQL (immediate shutdown),
 * Kafka, the S3 server and Keycloak are stopped and started again, and the S3 server is paused for
 * longer than a request timeout. Then every answer a client got is reconciled with what the stack
 * holds. Run short by {@code ChaosIT}, long by {@code ./coffre chaos}.
 */
public final class ChaosCampaign {

    /** How much of everything: the IT's short run or the full campaign. */
    public record Settings(Duration minimumLoad, int producers, int serviceKills, int restartsPerServer, long seed) {

        static Settings fromSystemProperties() {
            boolean full = "full".equals(System.getProperty("coffre.chaos"));
            return new Settings(
                    Duration.ofSeconds(Long.getLong("coffre.chaos.load-seconds", full ? 300 : 60)),
                    Integer.getInteger("coffre.chaos.producers", 4),
                    Integer.getInteger("coffre.chaos.service-kills", full ? 10 : 3),
                    Integer.getInteger("coffre.chaos.restarts-per-server", full ? 2 : 1),
                    Long.getLong("coffre.chaos.seed", System.nanoTime()));
        }
    }

    /** What a client was told was kept: the producer's unique id, the document and its bytes' hash. */
    record Acknowledged(String uniqueId, String documentId, String sha256) {}

    record Content(String name, String mediaType, byte[] bytes, String sha256) {}

    static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(8);
    static final Duration ORPHAN_GRACE = Duration.ofSeconds(20);
    static final Duration STALE_AFTER = Duration.ofSeconds(60);
    // Between two documents of one producer: indexing on two cores shared with everything keeps up.
    static final long PRODUCER_PAUSE_MILLIS = 150;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Settings settings;
    private final Random random;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final List<Content> mix = new ArrayList<>();
    private final List<ServiceProcess> apis = new ArrayList<>();
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final Map<String, Acknowledged> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> injected = new TreeMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<String> faultLog = new ConcurrentLinkedQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile String hospital;
    private volatile String patient;
    private volatile boolean loading = true;
    private Instant started;

    public ChaosCampaign(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    public static ChaosCampaign fromSystemProperties() {
        return new ChaosCampaign(Settings.fromSystemProperties());
    }

    /** Runs the campaign and reconciles; the report says what was injected, counted and lost. */
    public ChaosReport run() throws Exception {
        started = Instant.now();
        loadMix();
        hospital = KeycloakTokens.hospital();
        patient = KeycloakTokens.user("patient.dominique");
        Map<String, String> environment = Map.of(
                "COFFRE_STORAGE_ORPHAN_GRACE_PERIOD", ORPHAN_GRACE.toString(),
                "COFFRE_STORAGE_REQUEST_TIMEOUT", STORAGE_TIMEOUT.toString(),
                "COFFRE_INDEXING_STALE_AFTER", STALE_AFTER.toString(),
                "COFFRE_EXTRACTION_MAX_PROCESSES", "1");
        try {
            for (int i = 0; i < 2; i++) {
                apis.add(service("chaos-api-" + i, 18201 + i, "api", environment));
                workers.add(service("chaos-worker-" + i, 18203 + i, "worker", environment));
            }
            return loadAndReconcile();
        } finally {
            for (ServiceProcess service : all()) {
                service.close();
            }
        }
    }

    private ChaosReport loadAndReconcile() throws Exception {
        try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < settings.producers(); i++) {
                clients.add(load.submit(this::produce));
            }
            clients.add(load.submit(this::readAsPatient));
            clients.add(load.submit(this::refreshTokens));
            Instant faultsDone = injectFaults();
            Instant end = faultsDone.plusSeconds(10);
            Instant minimum = started.plus(settings.minimumLoad());
            Thread.sleep(Math.max(
                    0,
                    Duration.between(Instant.now(), end.isAfter(minimum) ? end : minimum)
                            .toMillis()));
            loading = false;
            for (Future<?> client : clients) {
                client.get();
            }
        }
        return reconcile(Duration.between(started, Instant.now()));
    }

    private ServiceProcess service(String name, int port, String role, Map<String, String> environment) {
        try (var taken = new Socket("127.0.0.1", port)) {
            throw new IllegalStateException("port " + port + " is taken: a service left by an earlier run?");
        } catch (IOException free) {
            // nothing listens there: the port is ours
        }
        Map<String, String> env = new HashMap<>(environment);
        env.put("COFFRE_ROLES", role);
        return new ServiceProcess(name, port, List.of("-Xmx256m"), env).start();
    }

    private List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(apis);
        all.addAll(workers);
        return all;
    }

    private void loadMix() throws Exception {
        for (String folder : List.of("pdf", "img")) {
            try (var files = Files.list(Corpus.ROOT.resolve(folder))) {
                for (var file : files.sorted().toList()) {
                    String name = folder + "/" + file.getFileName();
                    String mediaType = Files.probeContentType(file);
                    if (name.endsWith(".pdf")) {
                        mediaType = "application/pdf";
                    }
                    if (mediaType == null || !(mediaType.startsWith("image/") || mediaType.equals("application/pdf"))) {
                        continue;
                    }
                    byte[] bytes = Corpus.bytes(name);
                    mix.add(new Content(name, mediaType, bytes, sha256(bytes)));
                }
            }
        }
        if (mix.isEmpty()) {
            throw new IllegalStateException("no PDF or image in " + Corpus.ROOT);
        }
    }

    // --- Load ---------------------------------------------------------------------------------

    private void produce() {
        Random own = new Random(random.nextLong());
        while (loading) {
            if (own.nextInt(5) == 0) {
                submissionSet(own);
            } else {
                single(own);
            }
            pause(PRODUCER_PAUSE_MILLIS);
        }
    }

    private void single(Random own) {
        Content content = mix.get(own.nextInt(mix.size()));
        String uniqueId = "chaos-" + run + "-" + sequence.incrementAndGet();
        Submissions body = Submissions.parts()
                .part(
                        "metadata",
                        "application/json",
                        Uploads.metadata(uniqueId).encode().getBytes())
                .part("content", content.mediaType(), content.bytes());
        byte[] bytes = body.bytes();
        send(own, "/api/v1/documents", body.contentType(), bytes, answer -> {
            JsonObject document = new JsonObject(answer.body());
            acknowledge(new Acknowledged(uniqueId, document.getString("id"), content.sha256()), document);
            return true;
        });
    }

    private void submissionSet(Random own) {
        JsonArray manifest = new JsonArray();
        Map<String, Content> contents = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            String uniqueId = "chaos-" + run + "-" + sequence.incrementAndGet();
            manifest.add(Uploads.metadata(uniqueId).put("part", "p" + i));
            contents.put(uniqueId, mix.get(own.nextInt(mix.size())));
        }
        Submissions body = Submissions.withManifest(manifest);
        for (int i = 0; i < 3; i++) {
            Content content = contents.get(manifest.getJsonObject(i).getString("uniqueId"));
            body.part("p" + i, content.mediaType(), content.bytes());
        }
        send(own, "/api/v1/submissions", body.contentType(), body.bytes(), answer -> {
            boolean complete = true;
            for (Object item : new JsonObject(answer.body()).getJsonArray("documents")) {
                JsonObject entry = (JsonObject) item;
                String outcome = entry.getString("outcome");
                if ("created".equals(outcome) || "duplicate".equals(outcome)) {
                    JsonObject document = entry.getJsonObject("document");
                    String uniqueId = document.getString("uniqueId");
                    acknowledge(
                            new Acknowledged(
                                    uniqueId,
                                    document.getString("id"),
                                    contents.get(uniqueId).sha256()),
                            document);
                } else {
                    JsonObject problem = entry.getJsonObject("problem", new JsonObject());
                    int status = problem.getInteger("status", 0);
                    count("entry rejected " + status);
                    if (status != 503 && status != 429) {
                        violations.add("a submission entry rejected with " + entry.encode());
                    }
                    complete = false;
                }
            }
            // An entry refused for a passing reason is sent again with the whole set: the others answer
            // as duplicates of what was kept.
            return complete;
        });
    }

    private void acknowledge(Acknowledged document, JsonObject view) {
        Acknowledged earlier = acknowledged.putIfAbsent(document.uniqueId(), document);
        if (earlier != null && !earlier.documentId().equals(document.documentId())) {
            violations.add("unique id " + document.uniqueId() + " acknowledged as " + earlier.documentId() + " then "
                    + document.documentId() + " (" + view.encode() + ")");
        }
    }

    /**
     * Sends until the answer is final, as a producer's software does: the same request again after
     * a 503 or 429 (waiting as Retry-After says, at most 2 s here) or a connection failure, to the
     * other API instance after a failure. Each answer is counted and judged.
     */
    private void send(Random own, String path, String contentType, byte[] body, AnswerHandler handler) {
        int instance = own.nextInt(apis.size());
        long giveUp = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < giveUp) {
            ServiceProcess api = apis.get(instance);
            HttpResponse<String> answer;
            try {
                answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                                .header("Authorization", "Bearer " + hospital)
                                .header("Content-Type", contentType)
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                count("connection failure");
                instance = (instance + 1) % apis.size();
                pause(500);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            int status = answer.statusCode();
            if (status == 201 || status == 200) {
                count(String.valueOf(status));
                if (handler.accept(answer)) {
                    return;
                }
                pause(1000);
                continue;
            }
            if (status == 503 || status == 429) {
                var retryAfter = answer.headers().firstValue("Retry-After");
                count(status + (retryAfter.isPresent() ? " with Retry-After" : " without Retry-After"));
                if (retryAfter.isEmpty()) {
                    violations.add(status + " without Retry-After from " + path + ": " + answer.body());
                }
                instance = (instance + 1) % apis.size();
                pause(Math.min(2000, 1000 * retryAfter.map(Long::parseLong).orElse(1L)));
                continue;
            }
            if (status == 401 && !loading) {
                count("401 after the load");
                return;
            }
            count(String.valueOf(status));
            violations.add(status + " from " + path + ": " + answer.body());
            return;
        }
        violations.add("no final answer from " + path + " in 3 minutes");
    }

    @FunctionalInterface
    interface AnswerHandler {
        /** Whether the answer is final. */
        boolean accept(HttpResponse<String> answer);
    }

    private void readAsPatient() {
        Random own = new Random(random.nextLong());
        while (loading) {
            ServiceProcess api = apis.get(own.nextInt(apis.size()));
            try {
                HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create(api.baseUrl() + "/api/v1/me/documents?limit=5"))
                                .header("Authorization", "Bearer " + patient)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = answer.statusCode();
                count("patient read " + status);
                if (status >= 500
                        && !(status == 503
                                && answer.headers().firstValue("Retry-After").isPresent())) {
                    violations.add("patient read answered " + status + ": " + answer.body());
                }
            } catch (IOException e) {
                count("patient read connection failure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause(200);
        }
    }

    // Tokens live 5 minutes; the campaign outlives them, and Keycloak is sometimes down.
    private void refreshTokens() {
        long next = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (loading) {
            if (System.nanoTime() > next) {
                try {
                    hospital = KeycloakTokens.hospital();
                    patient = KeycloakTokens.user("patient.dominique");
                    next = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                } catch (Exception | AssertionError keycloakDown) {
                    next = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                }
            }
            pause(500);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, a -> new AtomicInteger()).incrementAndGet();
    }

    // --- Faults -------------------------------------------------------------------------------

    /** Injects every fault once, in a random order at random instants; returns when the last is over. */
    private Instant injectFaults() {
        List<Runnable> faults = new ArrayList<>();
        for (int i = 0; i < settings.serviceKills(); i++) {
            faults.add(this::killAService);
        }
        for (int i = 0; i < settings.restartsPerServer(); i++) {
            faults.add(() -> outage("kafka", "stop"));
            faults.add(() -> outage("postgres", "kill"));
            faults.add(() -> outage("s3", "stop"));
            faults.add(() -> outage("keycloak", "stop"));
        }
        faults.add(this::pauseStorage);
        Collections.shuffle(faults, random);
        long spacing = Math.max(2, settings.minimumLoad().toSeconds() / (faults.size() + 1));
        for (Runnable fault : faults) {
            pause(1000 * (1 + random.nextLong(spacing)));
            fault.run();
        }
        return Instant.now();
    }

    private void killAService() {
        List<ServiceProcess> all = all();
        ServiceProcess victim = all.get(random.nextInt(all.size()));
        try {
            victim.kill();
            record("kill -9 service process on port " + victim.port());
            victim.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void outage(String server, String how) {
        LocalStack.run(Duration.ofMinutes(2), how, server);
        record(how + " " + server);
        pause(2000 + random.nextInt(4000));
        LocalStack.run(Duration.ofMinutes(5), "start", server);
    }

    private void pauseStorage() {
        LocalStack.pause("s3");
        record("SIGSTOP s3 for " + STORAGE_TIMEOUT.plusSeconds(4).toSeconds() + " s (request timeout "
                + STORAGE_TIMEOUT.toSeconds() + " s)");
        pause(STORAGE_TIMEOUT.plusSeconds(4).toMillis());
        LocalStack.resume("s3");
    }

    private void record(String fault) {
        synchronized (injected) {
            injected.computeIfAbsent(fault.replaceAll(" on port \\d+", ""), f -> new AtomicInteger())
                    .incrementAndGet();
        }
        faultLog.add(Duration.between(started, Instant.now()).toSeconds() + " s: " + fault);
    }

    // --- Reconciliation -----------------------------------------------------------------------

    private ChaosReport reconcile(Duration loaded) throws Exception {
        for (ServiceProcess service : all()) {
            if (!service.isAlive()) {
                service.start();
            }
        }
        List<Acknowledged> documents = new ArrayList<>(acknowledged.values());
        String[] ids = documents.stream().map(Acknowledged::documentId).toArray(String[]::new);
        Awaitility.await("every acknowledged document indexed or concluded")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> stillStored(ids), count -> count == 0);
        Map<String, Row> rows = rows(ids);
        Map<String, Integer> byStatus = new TreeMap<>();
        int missing = 0;
        int damaged = 0;
        for (Acknowledged document : documents) {
            Row row = rows.get(document.documentId());
            if (row == null) {
                missing++;
                violations.add("acknowledged but missing: " + document);
                continue;
            }
            byStatus.merge(row.status(), 1, Integer::sum);
            String stored = StoredObjects.exists(row.objectKey()) ? StoredObjects.sha256(row.objectKey()) : null;
            if (!document.sha256().equals(row.sha256()) || !document.sha256().equals(stored)) {
                damaged++;
                violations.add("damaged: " + document + ", row " + row.sha256() + ", object " + stored);
            }
            if (!row.status().equals("INDEXED") && row.reason() == null) {
                violations.add(document.documentId() + " ended " + row.status() + " without a reason");
            }
        }
        Set<String> indexed = new HashSet<>();
        rows.forEach((id, row) -> {
            if (row.status().equals("INDEXED")) {
                indexed.add(id);
            }
        });
        long indexEntries = query(
                "SELECT count(*) FROM document_index WHERE document_id = ANY(?::uuid[])",
                indexed.toArray(String[]::new),
                counted -> counted.next() ? counted.getLong(1) : 0L);
        if (indexEntries != indexed.size()) {
            violations.add(indexed.size() + " documents INDEXED but " + indexEntries + " index entries");
        }
        Map<String, Long> announced = Topics.eventsByDocument("coffre.documents.indexed");
        int notAnnounced = 0;
        int announcedTwice = 0;
        for (String id : indexed) {
            long times = announced.getOrDefault(id, 0L);
            if (times == 0) {
                notAnnounced++;
                violations.add("INDEXED but never announced on coffre.documents.indexed: " + id);
            } else if (times > 1) {
                announcedTwice++;
            }
        }
        long orphans = Awaitility.await("no object without a row once the grace period has passed")
                .atMost(ORPHAN_GRACE.multipliedBy(3).plusSeconds(30))
                .pollInterval(Duration.ofSeconds(2))
                .until(this::orphans, count -> count == 0);
        if (violations.stream().anyMatch(violation -> violation.startsWith("500 "))) {
            violations.addAll(unexpectedErrorsLogged());
        }
        return new ChaosReport(
                settings,
                loaded,
                snapshot(injected),
                List.copyOf(faultLog),
                snapshot(answers),
                documents.size(),
                byStatus,
                missing,
                damaged,
                indexEntries,
                notAnnounced,
                announcedTwice,
                orphans,
                List.copyOf(violations));
    }

    /**
     * What the services logged of their 500s (failure classes and frames only, as they log them),
     * so that a campaign that failed on a CI machine says why without its logs.
     */
    private List<String> unexpectedErrorsLogged() throws IOException {
        List<String> logged = new ArrayList<>();
        for (ServiceProcess service : all()) {
            for (var log : service.logs()) {
                for (String line : Files.readAllLines(log)) {
                    if (!line.contains("Unexpected error while serving a request")) {
                        continue;
                    }
                    JsonObject failure = new JsonObject(line).getJsonObject("exception", new JsonObject());
                    JsonArray frames = failure.getJsonArray("frames", new JsonArray());
                    StringBuilder at = new StringBuilder();
                    for (int i = 0; i < Math.min(6, frames.size()); i++) {
                        JsonObject frame = frames.getJsonObject(i);
                        at.append(i == 0 ? " at " : " < ")
                                .append(frame.getString("class"))
                                .append('.')
                                .append(frame.getString("method"));
                    }
                    // Each level of the redacted chain is named by its message: the cause's class
                    // and safe message, which a CI failure needs to say why.
                    StringBuilder causes = new StringBuilder();
                    for (JsonObject cause = failure.getJsonObject("causedBy", new JsonObject())
                                    .getJsonObject("exception");
                            cause != null;
                            cause = cause.getJsonObject("causedBy", new JsonObject())
                                    .getJsonObject("exception")) {
                        causes.append(" <- ").append(cause.getString("message"));
                    }
                    logged.add(log.getFileName() + " logged " + failure.getString("exceptionType") + ": "
                            + failure.getString("message") + causes + at);
                }
            }
        }
        return logged;
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counts) {
        Map<String, Integer> copy = new TreeMap<>();
        synchronized (counts) {
            counts.forEach((key, value) -> copy.put(key, value.get()));
        }
        return copy;
    }

    record Row(String status, String reason, String sha256, String objectKey) {}

    private static long stillStored(String[] ids) {
        return rows(ids).values().stream()
                .filter(row -> row.status().equals("STORED"))
                .count();
    }

    private static Map<String, Row> rows(String[] ids) {
        return query(
                "SELECT id::text, status, status_reason, sha256, object_key FROM document WHERE id = ANY(?::uuid[])",
                ids,
                rows -> {
                    Map<String, Row> found = new HashMap<>();
                    while (rows.next()) {
                        found.put(
                                rows.getString(1),
                                new Row(rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5)));
                    }
                    return found;
                });
    }

    /** Objects written since the campaign started that no row and no pending upload refer to. */
    private long orphans() {
        Set<String> keys = new HashSet<>(StoredObjects.keysModifiedSince(started));
        if (keys.isEmpty()) {
            return 0;
        }
        String[] candidates = keys.toArray(String[]::new);
        keys.removeAll(query(
                "SELECT object_key FROM document WHERE object_key = ANY(?)", candidates, ChaosCampaign::firstColumn));
        keys.removeAll(query(
                "SELECT object_key FROM pending_object WHERE object_key = ANY(?) AND created_at > now() - interval '"
                        + ORPHAN_GRACE.toSeconds() + " seconds'",
                candidates,
                ChaosCampaign::firstColumn));
        return keys.size();
    }

    private static Set<String> firstColumn(ResultSet rows) throws SQLException {
        Set<String> values = new HashSet<>();
        while (rows.next()) {
            values.add(rows.getString(1));
        }
        return values;
    }

    @FunctionalInterface
    interface RowsReader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private static <T> T query(String sql, String[] values, RowsReader<T> reader) {
        try (Connection connection = Database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            Array array = connection.createArrayOf("text", values);
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
