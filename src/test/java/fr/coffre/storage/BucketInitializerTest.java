package fr.coffre.storage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveBucketArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BucketInitializerTest {

    @Inject
    MinioAsyncClient client;

    @Inject
    ObjectStorageConfig config;

    @Inject
    BucketInitializer initializer;

    @Test
    void theDocumentBucketExistsOnceTheServiceHasStarted() throws Exception {
        assertTrue(exists(config.bucket()));
    }

    @Test
    void createsAMissingBucketAndLeavesAnExistingOneAlone() throws Exception {
        String bucket = "coffre-test-" + UUID.randomUUID();
        assertFalse(exists(bucket));
        try {
            initializer.ensureBucket(bucket);
            assertTrue(exists(bucket));
            initializer.ensureBucket(bucket);
            assertTrue(exists(bucket));
        } finally {
            client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build())
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBucketAnotherInstanceMadeBetweenItsCheckAndItsOwnRequestIsTakenAsMade() throws Exception {
        String bucket = "coffre-test-" + UUID.randomUUID();
        initializer.ensureBucket(bucket);
        try {
            initializer.make(bucket); // what the second of two instances starting together does

            assertTrue(exists(bucket));
        } finally {
            client.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build())
                    .get(10, TimeUnit.SECONDS);
        }
    }

    private boolean exists(String bucket) throws Exception {
        return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())
                .get(10, TimeUnit.SECONDS);
    }
}
