package fr.coffre.health;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Turns one round trip to a server into a readiness answer named after that server, so an
 * operator reading /q/health/ready sees at once which dependency is down and why.
 */
final class ReadinessProbe {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    /**
     * Every server the service talks to, each in its true state ({@code /q/health/group/dependencies}):
     * for operators and dashboards. Readiness holds only what stops this instance doing its job.
     */
    static final String DEPENDENCIES = "dependencies";

    private ReadinessProbe() {}

    static Uni<HealthCheckResponse> probe(String server, String target, Uni<?> roundTrip) {
        return roundTrip
                .ifNoItem()
                .after(TIMEOUT)
                .fail()
                .map(ignored -> HealthCheckResponse.named(server)
                        .up()
                        .withData("target", target)
                        .build())
                .onFailure()
                .recoverWithItem(failure -> HealthCheckResponse.named(server)
                        .down()
                        .withData("target", target)
                        .withData("error", describe(failure))
                        .build());
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
