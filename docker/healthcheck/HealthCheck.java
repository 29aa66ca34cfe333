import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;

/**
 * The container's health probe: asks the service's readiness endpoint on the loopback interface
 * and exits 0 when it answers 200, 1 otherwise. Compiled into the image (docker/Dockerfile)
 * because the JRE base image is not guaranteed to carry curl or wget. Java 21, no dependency.
 *
 * <p>Usage: {@code java -cp /opt/healthcheck HealthCheck [PATH]}; PATH defaults to
 * /q/health/ready and the port is the management interface's, COFFRE_MANAGEMENT_PORT (9000 when
 * unset): health is not served on the API's port.
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("COFFRE_MANAGEMENT_PORT", "9000");
        String path = args.length > 0 ? args[0] : "/q/health/ready";
        System.exit(check(URI.create("http://127.0.0.1:" + port + path), Duration.ofSeconds(4)));
    }

    /** 0 when {@code uri} answers 200 within {@code timeout}, 1 otherwise (with the reason on stderr). */
    static int check(URI uri, Duration timeout) {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setUseCaches(false);
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (body != null) {
                body.close();
            }
            if (status == 200) {
                return 0;
            }
            System.err.println(uri + " answered " + status);
            return 1;
        } catch (IOException | RuntimeException e) {
            System.err.println(uri + ": " + e);
            return 1;
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
