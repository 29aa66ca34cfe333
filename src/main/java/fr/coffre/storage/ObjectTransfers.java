package fr.coffre.storage;

import io.minio.S3Escaper;
import io.minio.Signer;
import io.minio.Time;
import io.minio.http.HttpUtils;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.vertx.MultiHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The PUTs and GETs that carry document bytes, signed by the MinIO client's own AWS Signature V4
 * signer and sent through Vert.x's HTTP client, on the event loops.
 *
 * <p>PUTs are sent from bytes already in memory on the caller's (virtual) thread. The MinIO client
 * hashes each body again to sign it (SHA-256) and for its Content-MD5, after copying it into
 * buffers of its own on the common pool: a quarter of the api's CPU under the bench
 * (docs/benchmarks.md). Here a whole document is signed with the SHA-256 computed once as it
 * arrived, which the server checks the bytes against; a part is signed with its own SHA-256 over
 * plain HTTP, and as an unsigned payload over TLS, which protects it already (as the MinIO client
 * does). The bytes leave in as few writes as the socket takes, straight from the caller's array,
 * where OkHttp copied them into 8 KiB segments and made a system call for each (docs/benchmarks.md,
 * session 11).
 *
 * <p>A GET writes the object into a file on the caller's thread, in the pieces the socket gave
 * (up to 64 KiB), where OkHttp read 8 KiB per system call and armed its timeout watchdog for each
 * (a third of the worker's CPU went to reading objects into files: docs/benchmarks.md, session
 * 16). The request is built with OkHttp's types only to be signed.
 */
@ApplicationScoped
class ObjectTransfers {

    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    /** The SHA-256 of no bytes: a GET's payload, as the MinIO client signs it. */
    private static final String EMPTY_PAYLOAD = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** The pieces of a GET's body received ahead of the file's writes: its memory bound, about 8 × 64 KiB. */
    private static final int GET_AHEAD = 8;

    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

    /** Connections kept to the server: more concurrent PUTs wait for one rather than open more. */
    private static final int MAX_CONNECTIONS = 64;

    private final HttpClient http;
    private final ObjectStorageConfig config;
    private final HttpUrl bucket;
    private final long timeoutMillis;

    ObjectTransfers(Vertx vertx, ObjectStorageConfig config) {
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
                        .setKeepAlive(true)
                        // A request's own idle timeout ends once the response's head has come: this
                        // one, the connection's, also ends a body that stops coming.
                        .setIdleTimeout((int) timeoutMillis)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
                new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** Stores the object whole; refused by the server unless its bytes have that SHA-256. */
    void object(String key, byte[] bytes, int length, String sha256, String mediaType, Map<String, String> metadata)
            throws IOException {
        Request.Builder request = new Request.Builder()
                .url(bucket.newBuilder().addPathSegments(key).build())
                .header("Content-Type", mediaType);
        metadata.forEach((name, value) -> request.header("x-amz-meta-" + name, value));
        send(request, bytes, length, sha256);
    }

    /** Stores one part of a multipart upload, and answers its ETag. */
    String part(String key, String uploadId, int number, byte[] bytes, int length) throws IOException {
        HttpUrl url = bucket.newBuilder()
                .addPathSegments(key)
                .addQueryParameter("partNumber", Integer.toString(number))
                // Encoded as S3 signs it (the MinIO client's own escaper), not as OkHttp would.
                .addEncodedQueryParameter("uploadId", S3Escaper.encode(uploadId))
                .build();
        String payload = url.isHttps() ? UNSIGNED_PAYLOAD : sha256(bytes, length);
        String etag = send(new Request.Builder().url(url), bytes, length, payload);
        if (etag == null) {
            throw new IOException("Object storage answered part " + number + " without an ETag");
        }
        return etag;
    }

    /**
     * Writes the object's bytes into {@code file} (created or truncated) as they arrive; blocking.
     * A server that sends nothing for as long as the request timeout fails it.
     */
    void download(String key, Path file) throws IOException {
        Request request = new Request.Builder()
                .url(bucket.newBuilder().addPathSegments(key).build())
                .get()
                .build();
        RequestOptions options = signed(request, HttpMethod.GET, EMPTY_PAYLOAD);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        CompletableFuture<HttpClientResponse> answer = http.request(options)
                .compose(get -> {
                    sent.set(get);
                    return get.send();
                })
                .compose(response -> {
                    if (response.statusCode() / 100 == 2) {
                        response.pause();
                        return Future.succeededFuture(response);
                    }
                    return response.body().map(body -> {
                        throw new StorageRefusal(refusal(response.statusCode(), "GET", body));
                    });
                })
                .toCompletionStage()
                .toCompletableFuture();
        HttpClientResponse response = awaitAnswer(answer, sent, timeoutMillis + 5_000, "GET");
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            Iterable<Buffer> pieces = MultiHelper.toMulti(response)
                    .subscribe()
                    .asIterable(GET_AHEAD, () -> new ArrayBlockingQueue<>(GET_AHEAD));
            for (Buffer piece : pieces) {
                ByteBuffer bytes = piece.getByteBuf().nioBuffer();
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            reset(sent); // the file's failure: the response would otherwise hold its connection, paused
            throw e;
        } catch (RuntimeException e) {
            reset(sent);
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading an object");
            }
            // Described rather than chained, as for the PUTs: the store's failure, not the caller's.
            throw new IOException("A GET from object storage failed: " + e);
        }
    }

    /** Sends the PUT and answers the ETag the server gave the object or part (null if none). */
    private String send(Request.Builder builder, byte[] bytes, int length, String payloadSha256) throws IOException {
        // No media type on the body: it would replace the signed Content-Type header after signing.
        RequestOptions options =
                signed(builder.put(RequestBody.create(bytes, null, 0, length)).build(), HttpMethod.PUT, payloadSha256);
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        CompletableFuture<String> answer = http.request(options)
                .compose(put -> {
                    sent.set(put);
                    return put.send(Buffer.buffer(Unpooled.wrappedBuffer(bytes, 0, length)));
                })
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new StorageRefusal(refusal(response.statusCode(), "PUT", body));
                    }
                    return response.getHeader("ETag");
                }))
                .toCompletionStage()
                .toCompletableFuture();
        // The idle timeout ends a request whose server stops answering; this bounds the rest.
        return awaitAnswer(answer, sent, timeoutMillis + (long) length / 1024 + 5_000, "PUT");
    }

    /** The request signed, as Vert.x's options: the method, the path and query, the headers. */
    private RequestOptions signed(Request unsigned, HttpMethod method, String payloadSha256) {
        Request request = unsigned.newBuilder()
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
                .setMethod(method)
                .setURI(signed.url().encodedPath()
                        + (signed.url().encodedQuery() == null
                                ? ""
                                : "?" + signed.url().encodedQuery()))
                .setIdleTimeout(timeoutMillis);
        signed.headers().forEach(header -> options.putHeader(header.getFirst(), header.getSecond()));
        return options;
    }

    private static <T> T awaitAnswer(
            CompletableFuture<T> answer, AtomicReference<HttpClientRequest> sent, long timeoutMillis, String method)
            throws IOException {
        try {
            return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            reset(sent);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for object storage's answer to a " + method);
        } catch (TimeoutException e) {
            reset(sent);
            throw new InterruptedIOException("object storage did not answer a " + method + " in time");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageRefusal refusal) {
                throw new IOException(refusal.getMessage());
            }
            // Vert.x's own failures (a closed connection, a timeout) are the store's, not the
            // client's: described here rather than chained, so nothing takes them for the caller's.
            throw new IOException("A " + method + " to object storage failed: " + e.getCause());
        }
    }

    private static String refusal(int status, String method, Buffer body) {
        Matcher code = ERROR_CODE.matcher(body.toString());
        return "Object storage answered " + status + " to a " + method
                + (code.find() ? " (" + code.group(1) + ")" : "");
    }

    private static void reset(AtomicReference<HttpClientRequest> sent) {
        HttpClientRequest request = sent.get();
        if (request != null) {
            request.reset();
        }
    }

    /** The server's refusal, carried out of the client's callbacks. */
    private static final class StorageRefusal extends RuntimeException {
        StorageRefusal(String message) {
            super(message, null, false, false);
        }
    }

    private static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
