package fr.coffre.health;

import fr.coffre.storage.ObjectStorageConfig;
import io.minio.BucketExistsArgs;
import io.minio.MinioAsyncClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * In the dependencies group, not in readiness: without storage, uploads and downloads answer 503
 * with Retry-After while searches and metadata reads go on.
 */
@HealthGroup(ReadinessProbe.DEPENDENCIES)
@ApplicationScoped
public class ObjectStorageCheck implements AsyncHealthCheck {

    private final MinioAsyncClient client;
    private final ObjectStorageConfig config;

    public ObjectStorageCheck(MinioAsyncClient client, ObjectStorageConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Uni<Boolean> bucketExists = Uni.createFrom()
                .deferred(() -> {
                    try {
                        return Uni.createFrom()
                                .completionStage(client.bucketExists(BucketExistsArgs.builder()
                                        .bucket(config.bucket())
                                        .build()));
                    } catch (Exception e) {
                        return Uni.createFrom().failure(e);
                    }
                })
                .invoke(exists -> {
                    if (!exists) {
                        throw new IllegalStateException("bucket " + config.bucket() + " does not exist");
                    }
                });
        return ReadinessProbe.probe("object-storage", config.endpoint() + "/" + config.bucket(), bucketExists);
    }
}
