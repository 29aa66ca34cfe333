package fr.coffre.storage;

import com.google.common.collect.ImmutableMultimap;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.CreateMultipartUploadResponse;
import io.minio.Directive;
import io.minio.GetObjectArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveObjectArgs;
import io.minio.messages.Part;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
    private final ObjectPuts puts;
    private final ObjectStorageConfig config;
    private final PartBuffers buffers;

    public DocumentObjectStore(
            MinioAsyncClient client, ObjectPuts puts, ObjectStorageConfig config, PartBuffers buffers) {
        this.client = client;
        this.puts = puts;
        this.config = config;
        this.buffers = buffers;
    }

    public String newKey() {
        String id = UUID.randomUUID().toString();
        return "documents/" + id.substring(0, 2) + "/" + id;
    }

    /**
     * Stores the document whose head has been read, with its sha256 in the object's metadata: what
     * {@link #begin} then {@link Upload#write()} do at once.
     *
     * @param declaredSha256 the producer's, lower case, or null
     */
    public StoredObject put(String key, DocumentHead head, String mediaType, String declaredSha256) throws Exception {
        return begin(key, head, mediaType, declaredSha256).write();
    }

    /**
     * Begins storing the document whose head has been read, without sending any of its bytes:
     * for one larger than its head, the store is asked for its multipart upload at once, so that
     * the caller's own round trips (the record of the object as pending, which must come before
     * any byte) overlap that one (11 to 18 ms for the local S3 server on the bench's machine). An
     * upload begun but never written leaves no object, only a multipart upload without parts, which
     * {@link Upload#abandon()} aborts.
     *
     * @param declaredSha256 the producer's, lower case, or null
     */
    public Upload begin(String key, DocumentHead head, String mediaType, String declaredSha256) throws Exception {
        if (head.complete()) {
            return new Upload(key, head, mediaType, declaredSha256, null);
        }
        ImmutableMultimap<String, String> headers = declaredSha256 == null
                ? ImmutableMultimap.of("Content-Type", mediaType)
                : ImmutableMultimap.of("Content-Type", mediaType, "x-amz-meta-" + SHA256_METADATA, declaredSha256);
        return new Upload(
                key,
                head,
                mediaType,
                declaredSha256,
                client.createMultipartUploadAsync(config.bucket(), config.region(), key, headers, null));
    }

    /** A document's upload, begun; {@link #write()} sends its bytes, or {@link #abandon()} gives it up. */
    public final class Upload {

        private final String key;
        private final DocumentHead head;
        private final String mediaType;
        private final String declaredSha256;
        private final CompletableFuture<CreateMultipartUploadResponse> created;

        private Upload(
                String key,
                DocumentHead head,
                String mediaType,
                String declaredSha256,
                CompletableFuture<CreateMultipartUploadResponse> created) {
            this.key = key;
            this.head = head;
            this.mediaType = mediaType;
            this.declaredSha256 = declaredSha256;
            this.created = created;
        }

        /**
         * Stores the document. One that fits in its head goes up in one PUT, signed with the sha256
         * its producer declared, which the server checks its bytes against: the head is hashed here
         * only when none was declared, or when the server refuses the bytes. A larger one is
         * streamed as a multipart upload, hashed as it goes, whose metadata was set as it began: the
         * sha256 the producer declared goes there, and only when none was declared does a
         * server-side copy put the computed one, writing the whole object again (90 ms for 16 MB on
         * the local S3 server, as much as its upload). The head of a larger document lends its
         * buffer to the upload's later parts: once this returns, its bytes are no longer the
         * document's first.
         *
         * @throws DeclaredHashMismatchException when the bytes are not those whose sha256 was
         *     declared: the server refused them, or the multipart upload stored them, and the
         *     caller deletes the object
         */
        public StoredObject write() throws Exception {
            if (created == null) {
                String sha256 = declaredSha256 != null ? declaredSha256 : head.sha256();
                try {
                    puts.object(key, head.bytes(), sha256, mediaType, Map.of(SHA256_METADATA, sha256));
                } catch (IOException e) {
                    if (declaredSha256 != null && !declaredSha256.equals(head.sha256())) {
                        throw new DeclaredHashMismatchException(head.sha256());
                    }
                    throw e;
                }
                return new StoredObject(key, sha256, head.length());
            }
            uploadInParts(key, head, await(created).result().uploadId());
            String sha256 = head.sha256();
            if (declaredSha256 != null && !sha256.equals(declaredSha256)) {
                throw new DeclaredHashMismatchException(sha256);
            }
            if (declaredSha256 == null) {
                await(client.copyObject(CopyObjectArgs.builder()
                        .bucket(config.bucket())
                        .object(key)
                        .source(CopySource.builder()
                                .bucket(config.bucket())
                                .object(key)
                                .build())
                        .metadataDirective(Directive.REPLACE)
                        .headers(Map.of("Content-Type", mediaType))
                        .userMetadata(Map.of(SHA256_METADATA, sha256))
                        .build()));
            }
            return new StoredObject(key, sha256, head.count());
        }

        /**
         * Gives up an upload that will not be written: the multipart upload begun, if any, is
         * aborted. Best effort: one left behind is the bucket lifecycle rule's for incomplete
         * uploads, as a crash would leave it.
         */
        public void abandon() {
            if (created == null) {
                return;
            }
            try {
                abort(key, await(created).result().uploadId());
            } catch (Exception e) {
                // The store never created it, or is away: nothing to do that its lifecycle rule will not.
            }
        }
    }

    /**
     * A multipart upload whose parts are read on the caller's thread (a virtual thread per upload):
     * each part is read while the ones before it are being stored, and sent off as soon as read.
     * The head's buffer is the first part, then it and one more take turns, so that two PUTs at
     * most are under way. Read then stored in turn, each part cost its reading (25 to 58 ms for 5 MiB
     * on the bench's machine) plus its storing (30 to 110 ms), and the large documents' uploads made
     * the p99 at 20 documents/s (docs/benchmarks.md, sessions 21 and 22). The client's own
     * unknown-size upload reads the parts on the JVM's common pool, where one client that stalls
     * between two parts holds a thread every other large upload needs.
     */
    private void uploadInParts(String key, DocumentHead head, String uploadId) throws Exception {
        PartBytes other = buffers.part();
        PartBytes[] turns = {head.bytes(), other};
        InputStream rest = head.rest();
        List<Part> parts = new ArrayList<>();
        Deque<ObjectPuts.PendingPut> storing = new ArrayDeque<>(2);
        try {
            storing.add(puts.part(key, uploadId, 1, turns[0], head.partSha256()));
            for (int number = 2; ; number++) {
                PartBytes buffer = turns[(number - 1) % 2];
                if (storing.size() == turns.length) {
                    oldestStored(storing, parts); // its bytes are in this buffer
                }
                int length = buffer.fill(rest);
                if (length > 0) {
                    storing.add(puts.part(key, uploadId, number, buffer, null));
                }
                if (length < buffers.size()) {
                    break;
                }
            }
            while (!storing.isEmpty()) {
                oldestStored(storing, parts);
            }
            await(client.completeMultipartUploadAsync(
                    config.bucket(), config.region(), key, uploadId, parts.toArray(Part[]::new), null, null));
        } catch (Exception e) {
            storing.forEach(ObjectPuts.PendingPut::cancel);
            try {
                abort(key, uploadId);
            } catch (Exception abort) {
                e.addSuppressed(abort); // left to the bucket's lifecycle rule for incomplete uploads
            }
            throw e;
        } finally {
            other.release();
        }
    }

    private void abort(String key, String uploadId) throws Exception {
        await(client.abortMultipartUploadAsync(config.bucket(), config.region(), key, uploadId, null, null));
    }

    /** Waits for the oldest PUT under way, and adds its part to those stored. */
    private static void oldestStored(Deque<ObjectPuts.PendingPut> storing, List<Part> parts) throws IOException {
        int number = parts.size() + 1;
        String etag = storing.peek().answer();
        storing.poll();
        if (etag == null) {
            throw new IOException("Object storage answered part " + number + " without an ETag");
        }
        parts.add(new Part(number, etag));
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
