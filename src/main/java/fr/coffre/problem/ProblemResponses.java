package fr.coffre.problem;

import fr.coffre.observability.LogSafe;
import io.netty.channel.unix.Errors;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.TimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure to an RFC 9457 answer. A client's mistake is never a 500; an unexpected
 * error is logged with its stack trace, and the client gets no detail from it.
 */
public class ProblemResponses {

    private static final Logger LOG = Logger.getLogger(ProblemResponses.class);
    private static final Duration DEPENDENCY_RETRY_AFTER = Duration.ofSeconds(5);
    private static final List<String> SQL_CLIENT_CONNECTION_LOST = List.of(
            // a statement sent on a connection the server has just closed
            "Connection is not active now",
            // statements still queued on a connection the server closed without a word (killed)
            "Pending requests failed to be sent due to connection has been closed",
            // no pooled connection came free in time, for a statement ("Timeout waiting for
            // connection") or a transaction ("Timeout"): each waits on a server that was killed or restarts
            "Timeout");

    public static Response toResponse(ProblemException e) {
        Response.ResponseBuilder builder =
                Response.status(e.problem().status()).type(Problem.MEDIA_TYPE).entity(e.problem());
        if (e.retryAfter() != null) {
            builder.header("Retry-After", Math.max(1, e.retryAfter().toSeconds()));
        }
        if (e.problem().status() == 401) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e) {
        return toResponse(new ProblemException(
                ProblemType.UNAUTHENTICATED,
                "Send a valid bearer token issued by Coffre's identity provider for the coffre-api audience."));
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return toResponse(
                new ProblemException(ProblemType.FORBIDDEN, "Your token's roles do not allow this operation."));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return toResponse(new ProblemException(ProblemType.NOT_FOUND, "No such resource."));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        return toResponse(
                new ProblemException(ProblemType.METHOD_NOT_ALLOWED, "This resource does not accept that method."));
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return toResponse(new ProblemException(
                ProblemType.UNSUPPORTED_MEDIA_TYPE, "This resource does not accept that Content-Type."));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        Problem problem = new Problem(
                Problem.TYPE_BASE + "http-" + status,
                Response.Status.fromStatusCode(status) == null
                        ? "Client error"
                        : Response.Status.fromStatusCode(status).getReasonPhrase(),
                status,
                e.getMessage(),
                null,
                Map.of());
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (dependencyUnreachable(e)) {
            LOG.warnf("A dependency could not be reached while serving a request: %s", LogSafe.describe(e));
            return toResponse(ProblemException.retryLater(
                    ProblemType.DEPENDENCY_UNAVAILABLE,
                    "A server Coffre depends on cannot be reached; nothing was kept from this request. Retry later.",
                    DEPENDENCY_RETRY_AFTER));
        }
        // Classes and frames only: a message may quote the request or the document.
        LOG.error("Unexpected error while serving a request", LogSafe.redacted(e));
        return toResponse(new ProblemException(
                ProblemType.INTERNAL_ERROR,
                "The service failed to handle this request. It has been logged; retrying may succeed."));
    }

    /**
     * The slug of the problem a failure is answered with (for metrics): its own for a problem,
     * {@code dependency-unavailable} or {@code internal-error} for anything else, as {@link #unexpected}.
     */
    public static String slugOf(Throwable e) {
        if (e instanceof ProblemException problem) {
            return problem.slug();
        }
        return (dependencyUnreachable(e) ? ProblemType.DEPENDENCY_UNAVAILABLE : ProblemType.INTERNAL_ERROR).slug();
    }

    // A database or broker that is down or restarting is the service's trouble, not the client's,
    // and it passes: 503 with Retry-After, not 500.
    static boolean dependencyUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketException // refused, reset: a server that died or restarts
                    // The same on the native transport (epoll), whose reads and writes fail so.
                    || t instanceof Errors.NativeIoException
                    || t instanceof InterruptedIOException // a socket or call timeout: the server hangs
                    || t instanceof TimeoutException
                    || t instanceof ClosedConnectionException
                    || t instanceof ClosedChannelException) {
                return true;
            }
            // PostgreSQL shutting down or starting (57P01-57P03), or the connection lost (class 08).
            if (t instanceof PgException pg
                    && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("57P") || pg.getSqlState().startsWith("08"))) {
                return true;
            }
            // The SQL client's own failures for a connection lost, which have no class of their own
            // (each found by the fault campaign as a 500).
            if ((t instanceof NoStackTraceThrowable || t instanceof VertxException)
                    && t.getMessage() != null
                    && SQL_CLIENT_CONNECTION_LOST.stream().anyMatch(t.getMessage()::startsWith)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
