package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.coffre.testing.StoredObjects;
import io.minio.MinioAsyncClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OrphanObjectSweeperTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    OrphanObjectSweeper sweeper;

    @Inject
    PendingObjectRepository pending;

    @Inject
    DocumentObjectStore store;

    @Inject
    MinioAsyncClient s3;

    @Inject
    ObjectStorageConfig storage;

    @Inject
    Pool pool;

    @Test
    void anObjectLeftWithoutADocumentIsDeletedAfterTheGracePeriodOnly() throws Exception {
        String old = orphan(Duration.ofHours(2));
        String young = orphan(Duration.ZERO);

        sweeper.sweep(Duration.ofHours(1));

        assertEquals(false, StoredObjects.exists(old), "the stale object is deleted");
        assertEquals(0, records(old), "and its record");
        assertEquals(true, StoredObjects.exists(young), "an upload still within the grace period is left alone");
        assertEquals(1, records(young));
        pending.forget(young).await().atMost(WAIT);
        store.delete(young).await().atMost(WAIT);
    }

    @Test
    void aDocumentWhoseObjectWasSweptCannotCommit() throws Exception {
        String key = orphan(Duration.ofHours(2));
        sweeper.sweep(Duration.ofHours(1));
        assertThrows(
                PendingObjectRepository.ObjectSweptException.class,
                () -> pool.withTransaction(connection -> pending.forget(connection, key))
                        .await()
                        .atMost(WAIT));
    }

    String orphan(Duration age) throws Exception {
        String key = store.newKey();
        pending.record(key).await().atMost(WAIT);
        pool.preparedQuery(
                        "UPDATE pending_object SET created_at = now() - make_interval(secs => $2) WHERE object_key = $1")
                .execute(Tuple.of(key, (double) age.toSeconds()))
                .await()
                .atMost(WAIT);
        byte[] bytes = "orphan".getBytes();
        s3.putObject(PutObjectArgs.builder().bucket(storage.bucket()).object(key).stream(
                                new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build())
                .get(30, TimeUnit.SECONDS);
        return key;
    }

    long records(String key) {
        return pool.preparedQuery("SELECT count(*) FROM pending_object WHERE object_key = $1")
                .execute(Tuple.of(key))
                .await()
                .atMost(WAIT)
                .iterator()
                .next()
                .getLong(0);
    }
}
