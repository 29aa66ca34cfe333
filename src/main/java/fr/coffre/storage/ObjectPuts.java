package fr.coffre.storage;

import io.minio.S3Escaper;
import io.minio.Signer;
import io.minio.Time;
import io.minio.http.HttpUtils;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The PUTs that carry document bytes, sent from bytes already in memory on the caller's (virtual)
 * thread and signed by the MinIO client's own AWS Signature V4 signer. The MinIO client hashes each
 * body again to sign it (SHA-256) and for its Content-MD5, after copying it into buffers of its own
 * on the common pool: a quarter of the api's CPU under the bench (docs/benchmarks.md). Here a whole
 * document is signed with the SHA-256 computed once as it arrived, which the server checks the
 * bytes against; a part is signed with its own SHA-256 over plain HTTP, and as an unsigned payload
 * over TLS, which protects it already (as the MinIO client does).
 *
 * <p>They go out through Vert.x's HTTP client, on the event loops, from the caller's blocks in
 * slices that Netty's pooled buffers hold ({@link SlicedBody}), where OkHttp copied them into 8 KiB
 * segments and made a system call for each (docs/benchmarks.md, session 11). The request is built
 * with OkHttp's types only to be signed.
 */
@ApplicationScoped
class ObjectPuts {

    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

    /**
     * The body of the requests built to be signed, never sent: the signature covers the payload's
     * hash, given apart. No media type on it: it would replace the signed Content-Type header.
     */
    private static final RequestBody SIGNED_ONLY = RequestBody.create(new byte[0], null);

    /** Connections kept to the server: more concurrent PUTs wait for one rather than open more. */
    private static final int MAX_CONNECTIONS = 64;

    /** How long a cancelled PUT is given to end before its buffer goes back to the pool. */
    private static final long CANCEL_WAIT_MILLIS = 5_000;

    private final HttpClient http;
    private final ObjectStorageConfig config;
    private final HttpUrl bucket;
    private final long timeoutMillis;

    ObjectPuts(Vertx vertx, ObjectStorageConfig config) {
        this.config = config;
        this.bucket = HttpUrl.get(config.endpoint())
                .newBuilder()
                .addPathSegment(config.bucket())
                .build();
        this.timeoutMillis = config.requestTimeout().toMillis();
        this.http = vertx.createHttpClient(
                new HttpClientOptions()
                        .setSsl(bucket.isHttps())
                        .setDefaultHost(bucket.host())
                        .setDefaultPort(bucket.port())
                        .setConnectTimeout((int) Math.min(5_000, timeoutMillis))
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** Stores the object whole; refused by the server unless its bytes have that SHA-256. */
    void object(String key, PartBytes bytes, String sha256, String mediaType, Map<String, String> metadata)
            throws IOException {
        Request.Builder request = new Request.Builder()
                .url(bucket.newBuilder().addPathSegments(key).build())
                .header("Content-Type", mediaType);
        metadata.forEach((name, value) -> request.header("x-amz-meta-" + name, value));
        send(request, bytes, sha256);
    }

    /**
     * Starts storing one part of a multipart upload: the bytes are the connection's until the
     * answer has come or {@link PendingPut#cancel()} has returned.
     *
     * @param sha256 the part's SHA-256 when it is known already, or null
     */
    PendingPut part(String key, String uploadId, int number, PartBytes bytes, String sha256) {
        HttpUrl url = bucket.newBuilder()
                .addPathSegments(key)
                .addQueryParameter("partNumber", Integer.toString(number))
                // Encoded as S3 signs it (the MinIO client's own escaper), not as OkHttp would.
                .addEncodedQueryParameter("uploadId", S3Escaper.encode(uploadId))
                .build();
        String payload = url.isHttps() ? UNSIGNED_PAYLOAD : sha256 != null ? sha256 : sha256(bytes);
        return start(new Request.Builder().url(url), bytes, payload);
    }

    /** Sends the PUT and answers the ETag the server gave the object or part (null if none). */
    private String send(Request.Builder builder, PartBytes bytes, String payloadSha256) throws IOException {
        return start(builder, bytes, payloadSha256).answer();
    }

    private PendingPut start(Request.Builder builder, PartBytes bytes, String payloadSha256) {
        int length = bytes.length();
        Request request = builder.put(SIGNED_ONLY)
                .header("Host", HttpUtils.getHostHeader(bucket))
                .header("x-amz-date", ZonedDateTime.now().format(Time.AMZ_DATE_FORMAT))
                .header("x-amz-content-sha256", payloadSha256)
                .build();
        Request signed;
        try {
            signed = Signer.signV4S3(request, config.region(), config.accessKey(), config.secretKey(), payloadSha256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot sign requests to object storage", e);
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.PUT)
                .setURI(signed.url().encodedPath()
                        + (signed.url().encodedQuery() == null
                                ? ""
                                : "?" + signed.url().encodedQuery()))
                .setIdleTimeout(timeoutMillis);
        signed.headers().forEach(header -> options.putHeader(header.getFirst(), header.getSecond()));
        PendingPut pending = new PendingPut(timeoutMillis + (long) length / 1024 + 5_000);
        pending.answer = http.request(options)
                .compose(put -> {
                    if (!pending.sending(put)) {
                        return Future.failedFuture(new StorageRefusal("cancelled"));
                    }
                    put.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(length));
                    new SlicedBody(put, bytes).write();
                    return put.response();
                })
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() / 100 != 2) {
                        Matcher code = ERROR_CODE.matcher(body.toString());
                        throw new StorageRefusal("Object storage answered " + response.statusCode() + " to a PUT"
                                + (code.find() ? " (" + code.group(1) + ")" : ""));
                    }
                    return response.getHeader("ETag");
                }))
                .toCompletionStage()
                .toCompletableFuture();
        return pending;
    }

    /** A PUT under way, whose answer the caller awaits on its own thread. */
    static final class PendingPut {

        private final long waitMillis;
        private final AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private CompletableFuture<String> answer;

        private PendingPut(long waitMillis) {
            this.waitMillis = waitMillis;
        }

        /** False when cancelled before the request had a connection: then it is reset unsent. */
        private boolean sending(HttpClientRequest put) {
            sent.set(put);
            if (cancelled.get()) {
                put.reset();
                return false;
            }
            return true;
        }

        /** True once the server has answered, or the PUT has failed. */
        boolean answered() {
            return answer.isDone();
        }

        /** The ETag the server gave the object or part (null if none), once it has answered. */
        String answer() throws IOException {
            try {
                // The idle timeout ends a request whose server stops answering; this bounds the rest.
                return answer.get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                cancel();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while storing an object");
            } catch (TimeoutException e) {
                cancel();
                throw new InterruptedIOException("object storage did not answer a PUT in time");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StorageRefusal refusal) {
                    throw new IOException(refusal.getMessage());
                }
                // Vert.x's own failures (a closed connection, a timeout) are the store's, not the
                // client's: described here rather than chained, so nothing takes them for the caller's.
                throw new IOException("A PUT to object storage failed: " + e.getCause());
            }
        }

        /**
         * Ends the PUT, sent or not, and waits a little for the connection to let go of its
         * bytes: the caller then gives their buffer to another upload.
         */
        void cancel() {
            cancelled.set(true);
            HttpClientRequest request = sent.get();
            if (request != null) {
                request.reset();
            }
            try {
                answer.get(CANCEL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // ended, or left to the idle timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A body written in slices that Netty's pooled direct buffers hold, each once the connection
     * takes more. To write a heap buffer Netty first copies it into a direct one from its pool; a
     * whole body past the pool's chunk (64 KiB under Quarkus) got a new direct buffer of its own
     * for every PUT, allocated, zeroed and freed again: a tenth of the api's samples in a profile
     * under the saturation, and native memory in proportion to the bodies in flight
     * (docs/benchmarks.md, session 20). A slice of 32 KiB is also what Netty's per-thread caches
     * keep.
     */
    private static final class SlicedBody {

        private static final int SLICE = 32 * 1024;

        private final HttpClientRequest put;
        private final PartBytes bytes;
        private int block;
        private int offset;

        SlicedBody(HttpClientRequest put, PartBytes bytes) {
            this.put = put;
            this.bytes = bytes;
        }

        /** Runs on the request's event loop, as does the drain handler that resumes it. */
        void write() {
            while (block < bytes.blockCount() && !put.writeQueueFull()) {
                int end = bytes.lengthOf(block);
                int size = Math.min(SLICE, end - offset);
                put.write(Buffer.buffer(Unpooled.wrappedBuffer(bytes.block(block), offset, size)));
                offset += size;
                if (offset == end) {
                    block++;
                    offset = 0;
                }
            }
            if (block < bytes.blockCount()) {
                put.drainHandler(drained -> write());
            } else {
                put.end();
            }
        }
    }

    /** The server's refusal, carried out of the client's callbacks. */
    private static final class StorageRefusal extends RuntimeException {
        StorageRefusal(String message) {
            super(message, null, false, false);
        }
    }

    private static String sha256(PartBytes bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            bytes.digest(digest);
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
