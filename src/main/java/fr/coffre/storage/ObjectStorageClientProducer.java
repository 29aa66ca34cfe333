package fr.coffre.storage;

import io.minio.MinioAsyncClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

@ApplicationScoped
public class ObjectStorageClientProducer {

    @Produces
    @Singleton
    MinioAsyncClient minioAsyncClient(ObjectStorageConfig config) {
        return MinioAsyncClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .build();
    }
}
