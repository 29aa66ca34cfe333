package fr.coffre.storage;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.errors.ErrorResponseException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutionException;
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
            make(bucket);
        }
    }

    /**
     * Instances that start together both find the bucket missing: the one whose request comes
     * second is told the bucket is its own already, and starts all the same.
     */
    void make(String bucket) throws Exception {
        try {
            client.makeBucket(MakeBucketArgs.builder()
                            .bucket(bucket)
                            .region(config.region())
                            .build())
                    .get(30, TimeUnit.SECONDS);
            LOG.infof("Created bucket %s at %s", bucket, config.endpoint());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof ErrorResponseException s3
                    && s3.errorResponse() != null
                    && "BucketAlreadyOwnedByYou".equals(s3.errorResponse().code()))) {
                throw e;
            }
            LOG.infof("Bucket %s was created meanwhile, by another instance", bucket);
        }
    }
}
