package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.StoredObjects;
import fr.coffre.testing.ThrottlingProxy;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MinIO client's requests, set up as the service sets them up, against the real S3 server
 * through a proxy that can hold its answers: a server that stops sending fails the read soon
 * after the request timeout, with the timeout exception OkHttp's own read timeout gave, and a
 * reader that is itself slow is never cut.
 */
class ReadDeadlineTest {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final String BUCKET = "coffre-read-deadline-test";
    static final String KEY = "object-" + UUID.randomUUID();
    static final int SIZE = 4 * 1024 * 1024;
    // Slow enough that the object is still on its way when the proxy holds it, not all in socket buffers.
    static final long RATE = 2 * 1024 * 1024;

    static byte[] object;

    @BeforeAll
    static void storeTheObject() throws Exception {
        object = new byte[SIZE];
        new Random(7).nextBytes(object);
        var s3 = StoredObjects.client();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        }
        s3.putObject(
                PutObjectArgs.builder().bucket(BUCKET).object(KEY).stream(new ByteArrayInputStream(object), SIZE, -1)
                        .build());
    }

    @AfterAll
    static void removeTheObject() throws Exception {
        StoredObjects.client()
                .removeObject(
                        RemoveObjectArgs.builder().bucket(BUCKET).object(KEY).build());
    }

    @Test
    void aBodyThatStopsComingFailsWithATimeoutSoonAfterTheDeadline() throws Exception {
        try (ThrottlingProxy storage = new ThrottlingProxy(StoredObjects.port(), RATE);
                ReadDeadline deadline = new ReadDeadline(TIMEOUT)) {
            try (InputStream body = open(client(storage, deadline))) {
                body.readNBytes(64 * 1024);
                storage.hold();
                IOException failure = assertTimeoutPreemptively(
                        TIMEOUT.multipliedBy(6), () -> assertThrows(IOException.class, () -> readAll(body)));
                assertInstanceOf(SocketTimeoutException.class, failure);
            }
        }
    }

    @Test
    void anAnswerThatDoesNotComeFailsWithATimeout() throws Exception {
        try (ThrottlingProxy storage = new ThrottlingProxy(StoredObjects.port(), RATE);
                ReadDeadline deadline = new ReadDeadline(TIMEOUT)) {
            storage.hold();
            long started = System.nanoTime();
            ExecutionException failure = assertTimeoutPreemptively(
                    TIMEOUT.multipliedBy(6),
                    () -> assertThrows(ExecutionException.class, () -> open(client(storage, deadline))));
            assertInstanceOf(SocketTimeoutException.class, rootTimeout(failure), failure.toString());
            assertTrue(
                    System.nanoTime() - started >= TIMEOUT.toNanos(),
                    "failed before the deadline: " + Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Test
    void aReaderThatWaitsLongerThanTheDeadlineBetweenReadsGetsTheWholeObject() throws Exception {
        try (ThrottlingProxy storage = new ThrottlingProxy(StoredObjects.port(), Long.MAX_VALUE);
                ReadDeadline deadline = new ReadDeadline(TIMEOUT)) {
            try (InputStream body = open(client(storage, deadline))) {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                read.write(body.readNBytes(64 * 1024));
                // The caller's own pause (a slow client of a streamed download), not a wait for async work.
                Thread.sleep(TIMEOUT.multipliedBy(3).toMillis());
                read.write(readAll(body));
                assertArrayEquals(object, read.toByteArray());
            }
        }
    }

    private static MinioAsyncClient client(ThrottlingProxy storage, ReadDeadline deadline) {
        return MinioAsyncClient.builder()
                .endpoint("http://127.0.0.1:" + storage.port())
                .region("us-east-1")
                .credentials(
                        System.getenv().getOrDefault("COFFRE_S3_ACCESS_KEY", "coffre"),
                        System.getenv().getOrDefault("COFFRE_S3_SECRET_KEY", "coffre-local-secret"))
                .httpClient(ObjectStorageClientProducer.http(TIMEOUT, deadline))
                .build();
    }

    private static InputStream open(MinioAsyncClient client) throws Exception {
        return client.getObject(
                        GetObjectArgs.builder().bucket(BUCKET).object(KEY).build())
                .get();
    }

    private static byte[] readAll(InputStream body) throws IOException {
        return body.readAllBytes();
    }

    private static Throwable rootTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return t;
            }
        }
        return failure;
    }
}
