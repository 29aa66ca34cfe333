package fr.coffre.load;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's ceiling: the documents Coffre will be sent (same seed, same run id, same order)
 * PUT straight to the same S3 server, by {@code -Dconcurrency} threads (8) for {@code -Dseconds}
 * (30). The objects go to their own bucket and are deleted afterwards. Writes
 * {@code -Dbench.out}/ceiling.properties. S3 settings come from the environment the service
 * uses (COFFRE_S3_ENDPOINT, COFFRE_S3_ACCESS_KEY, COFFRE_S3_SECRET_KEY).
 */
public final class StorageCeiling {

    public static void main(String[] args) throws Exception {
        String endpoint = env("COFFRE_S3_ENDPOINT", "http://127.0.0.1:59000");
        String host = URI.create(endpoint).getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException("the ceiling is measured on this machine's S3 server only: " + endpoint);
        }
        MinioClient s3 = MinioClient.builder().endpoint(endpoint)
                .credentials(env("COFFRE_S3_ACCESS_KEY", "coffre"), env("COFFRE_S3_SECRET_KEY", "coffre-local-secret"))
                .region("us-east-1").build();
        String bucket = Settings.string("ceiling.bucket", "coffre-bench-ceiling");
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        int concurrency = Settings.integer("concurrency", 8);
        int seconds = Settings.integer("seconds", 30);
        String runId = Settings.runId() + "-bench";
        DocumentGenerator generator = new DocumentGenerator(Corpus.locate(), Settings.seed(), runId,
                Settings.decimal("patients.known.share", 0.8), DocumentGenerator.FHIR_TEMPLATES);

        Latencies latencies = new Latencies();
        AtomicLong bytes = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<String> keys = java.util.Collections.synchronizedList(new ArrayList<>());
        long start;
        long end;
        try (DocumentFeed<GeneratedDocument> feed = new DocumentFeed<>("ceiling", 0, 8, generator::document)) {
            // One small object first, so that connection set-up is not counted; not one of the documents.
            byte[] warmUp = "warm-up".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            s3.putObject(PutObjectArgs.builder().bucket(bucket).object("ceiling/" + runId + "/warm-up")
                    .stream(new ByteArrayInputStream(warmUp), warmUp.length, -1).build());
            keys.add("ceiling/" + runId + "/warm-up");
            ExecutorService pool = Executors.newFixedThreadPool(concurrency);
            start = System.currentTimeMillis();
            long deadline = start + seconds * 1000L;
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                workers.add(pool.submit(() -> {
                    while (System.currentTimeMillis() < deadline) {
                        GeneratedDocument d = feed.next();
                        String key = "ceiling/" + runId + "/" + d.index();
                        long t0 = System.nanoTime();
                        try {
                            s3.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                                    .stream(new ByteArrayInputStream(d.bytes()), d.size(), -1)
                                    .contentType(d.mediaType()).build());
                            latencies.add((System.nanoTime() - t0) / 1_000_000);
                            bytes.addAndGet(d.size());
                            keys.add(key);
                        } catch (Exception e) {
                            failures.incrementAndGet();
                            System.err.println("PUT " + key + " failed: " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
            end = System.currentTimeMillis();
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }

        double elapsed = (end - start) / 1000.0;
        Properties out = new Properties();
        out.setProperty("concurrency", Integer.toString(concurrency));
        out.setProperty("objects", Integer.toString(latencies.count()));
        out.setProperty("failures", Long.toString(failures.get()));
        out.setProperty("bytes", Long.toString(bytes.get()));
        out.setProperty("seconds", Double.toString(elapsed));
        out.setProperty("startMillis", Long.toString(start));
        out.setProperty("endMillis", Long.toString(end));
        out.setProperty("p50", Long.toString(latencies.percentile(50)));
        out.setProperty("p95", Long.toString(latencies.percentile(95)));
        out.setProperty("p99", Long.toString(latencies.percentile(99)));
        Path dir = Path.of(Settings.string("bench.out", "target/bench/" + Settings.runId()));
        Files.createDirectories(dir);
        try (var writer = Files.newBufferedWriter(dir.resolve("ceiling.properties"))) {
            out.store(writer, "StorageCeiling");
        }
        System.out.printf("ceiling: %d PUTs in %.1f s at concurrency %d: %.1f objects/s, %.1f MB/s, "
                        + "p50 %d ms, p95 %d ms, p99 %d ms, %d failed%n",
                latencies.count(), elapsed, concurrency, latencies.count() / elapsed, bytes.get() / 1e6 / elapsed,
                latencies.percentile(50), latencies.percentile(95), latencies.percentile(99), failures.get());

        // Leave the store as it was.
        List<DeleteObject> toDelete = keys.stream().map(DeleteObject::new).toList();
        for (int i = 0; i < toDelete.size(); i += 1000) {
            for (Result<DeleteError> error : s3.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
                    .objects(toDelete.subList(i, Math.min(toDelete.size(), i + 1000))).build())) {
                System.err.println("could not delete " + error.get().objectName() + ": " + error.get().message());
            }
        }
        System.exit(0);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
