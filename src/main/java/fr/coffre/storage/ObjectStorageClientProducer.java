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
        MinioAsyncClient client = MinioAsyncClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .build();
        long idle = config.requestTimeout().toMillis();
        client.setTimeout(Math.min(5_000, idle), idle, idle);
        return client;
    }
}
