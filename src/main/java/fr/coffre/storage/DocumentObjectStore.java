package fr.coffre.storage;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Writes and reads document bytes in the object store. Blocking: call it from a worker or virtual thread,
 * never from the event loop. Keys are random, carry no patient identity, and begin with a
 * two-hex-digit prefix so that writes spread over the store's partitions.
 */
@ApplicationScoped
public class DocumentObjectStore {

    static final String SHA256_METADATA = "sha256";

    private final MinioAsyncClient client;
    private final ObjectStorageConfig config;

    public DocumentObjectStore(MinioAsyncClient client, ObjectStorageConfig config) {
        this.client = client;
        this.config = config;
    }

    public String newKey() {
        String id = UUID.randomUUID().toString();
        return "documents/" + id.substring(0, 2) + "/" + id;
    }

    /**
     * Stores the document whose head has been read. A document that fits in its head is hashed
     * already and goes up in one PUT with its sha256 in the object's metadata; a larger one is
     * streamed as a multipart upload and gets its sha256 by a server-side copy at the end.
     */
    public StoredObject put(String key, DocumentHead head, String mediaType) throws Exception {
        Map<String, String> metadata = new HashMap<>();
        if (head.complete()) {
            String sha256 = head.sha256();
            metadata.put(SHA256_METADATA, sha256);
            await(client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(
                            head.headStream(), head.length(), -1)
                    .contentType(mediaType)
                    .userMetadata(metadata)
                    .build()));
            return new StoredObject(key, sha256, head.length());
        }
        await(client.putObject(
                PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(head.whole(), -1, config.partSize())
                        .contentType(mediaType)
                        .build()));
        String sha256 = head.sha256();
        metadata.put(SHA256_METADATA, sha256);
        await(client.copyObject(CopyObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .source(CopySource.builder().bucket(config.bucket()).object(key).build())
                .metadataDirective(Directive.REPLACE)
                .headers(Map.of("Content-Type", mediaType))
                .userMetadata(metadata)
                .build()));
        return new StoredObject(key, sha256, head.count());
    }

    /** The object's bytes as they stream from the store; blocking. The caller closes the stream. */
    public InputStream open(String key) throws Exception {
        return await(client.getObject(
                GetObjectArgs.builder().bucket(config.bucket()).object(key).build()));
    }

    /** A byte range of the object, {@code length} bytes from {@code offset}; blocking. */
    public InputStream open(String key, long offset, long length) throws Exception {
        return await(client.getObject(GetObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .offset(offset)
                .length(length)
                .build()));
    }

    /** Deleting an object that is not there succeeds: deletes are retried after crashes. */
    public Uni<Void> delete(String key) {
        return Uni.createFrom()
                .completionStage(() -> {
                    try {
                        return client.removeObject(RemoveObjectArgs.builder()
                                .bucket(config.bucket())
                                .object(key)
                                .build());
                    } catch (Exception e) {
                        return CompletableFuture.failedFuture(e);
                    }
                })
                .replaceWithVoid();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
