package fr.coffre.storage;

import io.minio.MinioAsyncClient;
import io.minio.http.HttpUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import okhttp3.OkHttpClient;

@ApplicationScoped
public class ObjectStorageClientProducer {

    /** The MinIO client's connection pool: every request but the document PUTs ({@link ObjectPuts}). */
    @Produces
    @Singleton
    OkHttpClient objectStorageHttp(ObjectStorageConfig config) {
        long idle = config.requestTimeout().toMillis();
        return HttpUtils.newDefaultHttpClient(Math.min(5_000, idle), idle, idle);
    }

    @Produces
    @Singleton
    MinioAsyncClient minioAsyncClient(ObjectStorageConfig config, OkHttpClient http) {
        return MinioAsyncClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .httpClient(http)
                .build();
    }
}
