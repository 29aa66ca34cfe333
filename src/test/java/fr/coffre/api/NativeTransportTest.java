package fr.coffre.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The HTTP server and Vert.x's clients run on epoll: a missing native jar, or one for another
 * platform than the container's, falls back to NIO without a word, and costs the api a share of
 * its CPU per document (docs/benchmarks.md, issue 13, session 30).
 */
@QuarkusTest
class NativeTransportTest {

    @Inject
    Vertx vertx;

    @Test
    void vertxRunsOnTheNativeTransportOnLinux() {
        assertTrue(
                vertx.isNativeTransportEnabled(),
                () -> "Vert.x fell back to Java NIO: " + vertx.unavailableNativeTransportCause());
    }
}
