package fr.coffre.storage;

import io.minio.MinioAsyncClient;
import io.minio.http.HttpUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import okhttp3.OkHttpClient;

@ApplicationScoped
public class ObjectStorageClientProducer {

    @Produces
    @Singleton
    ReadDeadline readDeadline(ObjectStorageConfig config) {
        return new ReadDeadline(config.requestTimeout());
    }

    void stop(@Disposes ReadDeadline deadline) {
        deadline.close();
    }

    /**
     * The MinIO client's connection pool: every request but the document PUTs ({@link ObjectPuts}).
     * Its reads are bounded by the {@link ReadDeadline}, not by OkHttp's read timeout.
     */
    @Produces
    @Singleton
    OkHttpClient objectStorageHttp(ObjectStorageConfig config, ReadDeadline deadline) {
        return http(config.requestTimeout(), deadline);
    }

    static OkHttpClient http(Duration requestTimeout, ReadDeadline deadline) {
        long idle = requestTimeout.toMillis();
        return HttpUtils.newDefaultHttpClient(Math.min(5_000, idle), idle, 0)
                .newBuilder()
                .addInterceptor(deadline)
                .build();
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
