package fr.coffre.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A server that died, restarts or hangs is the service's trouble and passes: 503, never 500. */
class ProblemResponsesTest {

    @Test
    void aServerThatResetsTheConnectionOrHangsIsUnavailableNotAnError() {
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new CompletionException(new SocketException("Connection reset"))));
        assertEquals("dependency-unavailable", ProblemResponses.slugOf(new SocketTimeoutException("timeout")));
    }

    @Test
    void aConnectionResetOnTheNativeTransportIsUnavailableNotAnError() {
        // Its errors' text comes from the native library, which the service loads at start.
        Epoll.ensureAvailability();
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(
                        new CompletionException(Errors.newConnectionResetException("recvAddress", -104))),
                "PostgreSQL killed under a query, as the fault campaign found it: a 500 before");
    }

    @Test
    void postgresqlShuttingDownOrLosingTheConnectionIsUnavailableNotAnError() {
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new CompletionException(new PgException(
                        "terminating connection due to administrator command", "FATAL", "57P01", null))));
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new PgException("the database system is starting up", "FATAL", "57P03", null)));
        assertEquals(
                "internal-error",
                ProblemResponses.slugOf(new PgException("syntax error", "ERROR", "42601", null)),
                "a bug stays a bug");
        assertEquals("internal-error", ProblemResponses.slugOf(new IllegalStateException("bug")));
    }

    @Test
    void aStatementSentOnAConnectionTheServerClosedIsUnavailableNotAnError() {
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new CompletionException(
                        new NoStackTraceThrowable("Connection is not active now, current status: CLOSED"))));
    }

    @Test
    void aStatementTheSqlClientCouldNotSendBeforeTheServerClosedTheConnectionIsUnavailableNotAnError() {
        // Vert.x's message for statements still queued on a connection that ends without an error.
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(new CompletionException(new NoStackTraceThrowable(
                        "Pending requests failed to be sent due to connection has been closed."))));
    }

    @Test
    void noPooledConnectionComingFreeInTimeIsUnavailableNotAnError() {
        assertEquals(
                "dependency-unavailable",
                ProblemResponses.slugOf(
                        new CompletionException(new VertxException("Timeout waiting for connection", true))));
        assertEquals(
                "internal-error",
                ProblemResponses.slugOf(new VertxException("Result is already complete")),
                "any other failure of Vert.x stays an error");
    }
}
