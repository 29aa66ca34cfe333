package fr.coffre.health;

import fr.coffre.storage.ObjectStorageConfig;
import io.minio.BucketExistsArgs;
import io.minio.MinioAsyncClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

@Readiness
@ApplicationScoped
public class ObjectStorageReadinessCheck implements AsyncHealthCheck {

    private final MinioAsyncClient client;
    private final ObjectStorageConfig config;

    public ObjectStorageReadinessCheck(MinioAsyncClient client, ObjectStorageConfig config) {
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
