package fr.coffre.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/healthcheck/HealthCheck.java, the image's HEALTHCHECK: it compiles for Java 21 as the
 * Dockerfile's first stage compiles it, and reports an unreachable service as unhealthy. Its
 * healthy path needs a listening server, which tests on this shared machine may not start.
 */
class HealthCheckProgramTest {

    private static final Path SOURCE = Path.of("docker/healthcheck/HealthCheck.java");

    @Test
    void compilesForJava21AndReportsAnUnreachableServiceAsUnhealthy(@TempDir Path out) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests need a JDK");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = javac.run(
                null,
                diagnostics,
                diagnostics,
                List.of("--release", "21", "-Xlint:all", "-Werror", "-d", out.toString(), SOURCE.toString())
                        .toArray(String[]::new));
        assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, null)) {
            Method check = loader.loadClass("HealthCheck").getDeclaredMethod("check", URI.class, Duration.class);
            check.setAccessible(true);
            PrintStream err = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                // Port 1 on the loopback interface: nothing listens there, the connection is refused.
                Object status =
                        check.invoke(null, URI.create("http://127.0.0.1:1/q/health/ready"), Duration.ofSeconds(2));
                assertEquals(1, status);
            } finally {
                System.setErr(err);
            }
            String reason = captured.toString(StandardCharsets.UTF_8);
            assertEquals(true, reason.contains("127.0.0.1:1/q/health/ready"), "the probe says what failed: " + reason);
        }
    }
}
