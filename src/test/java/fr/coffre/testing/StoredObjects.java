package fr.coffre.testing;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The local stack's object storage, seen from outside the service. */
public final class StoredObjects {

    private static final MinioClient CLIENT = MinioClient.builder()
            .endpoint(System.getenv().getOrDefault("COFFRE_S3_ENDPOINT", "http://127.0.0.1:59000"))
            .credentials(
                    System.getenv().getOrDefault("COFFRE_S3_ACCESS_KEY", "coffre"),
                    System.getenv().getOrDefault("COFFRE_S3_SECRET_KEY", "coffre-local-secret"))
            .region("us-east-1")
            .build();
    private static final String BUCKET = System.getenv().getOrDefault("COFFRE_S3_BUCKET", "coffre-documents");

    private StoredObjects() {}

    public static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("COFFRE_S3_PORT", "59000"));
    }

    public static MinioClient client() {
        return CLIENT;
    }

    public static boolean exists(String key) {
        try {
            CLIENT.statObject(
                    StatObjectArgs.builder().bucket(BUCKET).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (e.errorResponse().code().equals("NoSuchKey")) {
                return false;
            }
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String key) {
        try {
            return CLIENT.statObject(
                            StatObjectArgs.builder().bucket(BUCKET).object(key).build())
                    .userMetadata()
                    .get("sha256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys of the objects written (or overwritten) since then. */
    public static List<String> keysModifiedSince(Instant since) {
        List<String> keys = new ArrayList<>();
        try {
            for (Result<Item> result : CLIENT.listObjects(
                    ListObjectsArgs.builder().bucket(BUCKET).recursive(true).build())) {
                Item item = result.get();
                if (!item.lastModified().toInstant().isBefore(since.minusSeconds(1))) {
                    keys.add(item.objectName());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return keys;
    }
}
