package fr.coffre.storage;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Creates the document bucket at start if it is missing. A service that cannot reach its store
 * fails to start rather than accept uploads it could not keep.
 */
@ApplicationScoped
public class BucketInitializer {

    private static final Logger LOG = Logger.getLogger(BucketInitializer.class);

    private final MinioAsyncClient client;
    private final ObjectStorageConfig config;

    public BucketInitializer(MinioAsyncClient client, ObjectStorageConfig config) {
        this.client = client;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        ensureBucket(config.bucket());
    }

    void ensureBucket(String bucket) throws Exception {
        boolean exists = client.bucketExists(
                        BucketExistsArgs.builder().bucket(bucket).build())
                .get(30, TimeUnit.SECONDS);
        if (!exists) {
            client.makeBucket(MakeBucketArgs.builder()
                            .bucket(bucket)
                            .region(config.region())
                            .build())
                    .get(30, TimeUnit.SECONDS);
            LOG.infof("Created bucket %s at %s", bucket, config.endpoint());
        }
    }
}
