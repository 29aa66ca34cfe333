package fr.coffre.storage;

import io.minio.S3Escaper;
import io.minio.Signer;
import io.minio.Time;
import io.minio.http.HttpUtils;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The PUTs that carry document bytes, sent from bytes already in memory on the caller's (virtual)
 * thread and signed by the MinIO client's own AWS Signature V4 signer. The MinIO client hashes each
 * body again to sign it (SHA-256) and for its Content-MD5, after copying it into buffers of its own
 * on the common pool: a quarter of the api's CPU under the bench (docs/benchmarks.md). Here a whole
 * document is signed with the SHA-256 computed once as it arrived, which the server checks the
 * bytes against; a part is signed with its own SHA-256 over plain HTTP, and as an unsigned payload
 * over TLS, which protects it already (as the MinIO client does).
 */
@ApplicationScoped
class ObjectPuts {

    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

    private final OkHttpClient http;
    private final ObjectStorageConfig config;
    private final HttpUrl bucket;

    ObjectPuts(OkHttpClient http, ObjectStorageConfig config) {
        this.http = http;
        this.config = config;
        this.bucket = HttpUrl.get(config.endpoint())
                .newBuilder()
                .addPathSegment(config.bucket())
                .build();
    }

    /** Stores the object whole; refused by the server unless its bytes have that SHA-256. */
    void object(String key, byte[] bytes, int length, String sha256, String mediaType, Map<String, String> metadata)
            throws IOException {
        Request.Builder request = new Request.Builder()
                .url(bucket.newBuilder().addPathSegments(key).build())
                .header("Content-Type", mediaType);
        metadata.forEach((name, value) -> request.header("x-amz-meta-" + name, value));
        send(request, bytes, length, sha256).close();
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
        try (Response response = send(new Request.Builder().url(url), bytes, length, payload)) {
            String etag = response.header("ETag");
            if (etag == null) {
                throw new IOException("Object storage answered part " + number + " without an ETag");
            }
            return etag;
        }
    }

    private Response send(Request.Builder builder, byte[] bytes, int length, String payloadSha256) throws IOException {
        // No media type on the body: it would replace the signed Content-Type header after signing.
        Request request = builder.put(RequestBody.create(bytes, null, 0, length))
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
        Response response = http.newCall(signed).execute();
        if (!response.isSuccessful()) {
            try (response) {
                String body = response.body() != null ? response.body().string() : "";
                Matcher code = ERROR_CODE.matcher(body);
                throw new IOException("Object storage answered " + response.code() + " to a PUT"
                        + (code.find() ? " (" + code.group(1) + ")" : ""));
            }
        }
        return response;
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
