package fr.coffre.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The body stream against a real Vert.x server and a client on a socket, chunk by chunk. */
class RequestBodyStreamTest {

    /** Vert.x's default: the largest chunk a request handler is given. */
    static final int CHUNK = HttpServerOptions.DEFAULT_MAX_CHUNK_SIZE;

    static Vertx vertx;
    static HttpServer server;

    /** What the upload's thread does with the body of the next request; the test reads its outcome. */
    static volatile Reading reading;

    static volatile long maxBytes;
    static volatile Reading beforeOpening;
    static volatile HttpServerRequest opening;
    static volatile RequestBodyStreamTest current;
    final CompletableFuture<Object> outcome = new CompletableFuture<>();
    final AtomicReference<RequestBodyStream> opened = new AtomicReference<>();

    interface Reading {
        Object read(RequestBodyStream body) throws Exception;
    }

    @BeforeAll
    static void startServer() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
                .requestHandler(RequestBodyStreamTest::handle)
                .listen(0)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void becomeCurrent() {
        current = this;
        maxBytes = 0;
        beforeOpening = null;
        opening = null;
    }

    /** As Quarkus REST does: the request is paused on the event loop, then read on a virtual thread. */
    static void handle(HttpServerRequest request) {
        request.pause();
        opening = request;
        RequestBodyStreamTest test = current;
        Thread.ofVirtual().start(() -> {
            Object result;
            try {
                if (beforeOpening != null) {
                    beforeOpening.read(null);
                }
                RequestBodyStream body = new RequestBodyStream(request, maxBytes, Duration.ofSeconds(10));
                test.opened.set(body);
                result = reading.read(body);
            } catch (Exception e) {
                result = e;
            }
            test.outcome.complete(result);
            request.response().setStatusCode(200).end("read");
        });
    }

    @Test
    void oneReadTakesEveryChunkAlreadyThereRatherThanOneChunkAtATime() throws Exception {
        byte[] body = random(1024 * 1024);
        reading = stream -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(stream.read()); // the body flows from the first read on
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.available() >= RequestBodyStream.WAKE_AT);
            byte[] next = new byte[RequestBodyStream.WAKE_AT];
            int n = stream.read(next, 0, next.length);
            all.write(next, 0, n);
            stream.transferTo(all);
            return new Object[] {n, all.toByteArray()};
        };
        try (Socket client = post(body.length, false)) {
            client.getOutputStream().write(body);
            Object[] result = (Object[]) result();
            assertEquals(RequestBodyStream.WAKE_AT, result[0], "many " + CHUNK + "-byte chunks in one read");
            assertArrayEquals(body, (byte[]) result[1]);
        }
    }

    @Test
    void aBodyLargerThanWhatIsBufferedArrivesIntactWhateverItsPieces() throws Exception {
        byte[] body = random(3 * 1024 * 1024 + 17);
        reading = InputStream::readAllBytes;
        try (Socket client = post(body.length, false)) {
            OutputStream out = client.getOutputStream();
            Random sizes = new Random(7);
            for (int at = 0; at < body.length; ) {
                int n = Math.min(body.length - at, 1 + sizes.nextInt(200_000));
                out.write(body, at, n);
                out.flush();
                at += n;
            }
            assertArrayEquals(body, (byte[]) result());
        }
    }

    @Test
    void whileNothingMoreIsReadTheRequestIsPausedOnceItsBufferIsFull() throws Exception {
        byte[] body = random(32 * 1024 * 1024); // more than the kernel buffers on both ends
        CompletableFuture<Void> release = new CompletableFuture<>();
        reading = stream -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.write(stream.read());
            release.get(30, TimeUnit.SECONDS);
            stream.transferTo(all);
            return all.toByteArray();
        };
        try (Socket client = post(body.length, false)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(body);
                } catch (IOException e) {
                    // the test fails below on the body's bytes
                }
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> opened.get() != null && opened.get().available() >= RequestBodyStream.PAUSE_AT);
            await().during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> opened.get().available() < RequestBodyStream.PAUSE_AT + CHUNK);
            assertTrue(writer.isAlive(), "the client is held back by TCP");
            release.complete(null);
            assertArrayEquals(body, (byte[]) result());
            writer.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void aTrickleIsHandedOverAsItComesWithoutWaitingForALargeRead() throws Exception {
        reading = stream -> {
            byte[] buffer = new byte[RequestBodyStream.WAKE_AT];
            int n = stream.read(buffer, 0, buffer.length);
            return new String(buffer, 0, n, StandardCharsets.US_ASCII);
        };
        try (Socket client = post(1000, false)) {
            client.getOutputStream().write("ten bytes!".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertEquals("ten bytes!", result());
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyFailsTheReadAtOnce() throws Exception {
        reading = InputStream::readAllBytes;
        Socket client = post(1000, false);
        client.getOutputStream().write(new byte[10]);
        client.getOutputStream().flush();
        client.close();
        assertGoneAtOnce(result());
    }

    @Test
    void aClientGoneBeforeItsBodyIsOpenedFailsTheReadAtOnce() throws Exception {
        CompletableFuture<Void> gone = new CompletableFuture<>();
        beforeOpening = unused -> gone.get(30, TimeUnit.SECONDS);
        reading = InputStream::readAllBytes;
        Socket client = post(1000, false);
        client.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> opening != null
                        && !((ConnectionBase) opening.connection()).channel().isOpen());
        gone.complete(null);
        assertGoneAtOnce(result());
    }

    /** Failed on the client's going, not after the idle time (10 s here). */
    void assertGoneAtOnce(Object result) {
        assertInstanceOf(IOException.class, result);
        assertTrue(!((IOException) result).getMessage().startsWith("No byte"), ((IOException) result).getMessage());
    }

    @Test
    void aRequestRefusedBeforeItsBodyIsReadReadsNoneOfIt() throws Exception {
        reading = stream -> {
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> stream.available() == 0);
            return "refused";
        };
        try (Socket client = post(1024 * 1024, false)) {
            client.getOutputStream().write(random(256 * 1024));
            assertEquals("refused", result());
        }
    }

    @Test
    void aBodyOverTheServersLimitFailsTheRead() throws Exception {
        maxBytes = 100_000;
        reading = InputStream::readAllBytes;
        try (Socket client = post(200_000, false)) {
            client.getOutputStream().write(new byte[200_000]);
            Object result = result();
            assertInstanceOf(IOException.class, result);
            assertTrue(((IOException) result).getMessage().contains("100000"), ((IOException) result).getMessage());
        }
    }

    @Test
    void aClientThatExpectsContinueIsToldToSendOnTheFirstRead() throws Exception {
        reading = InputStream::readAllBytes;
        try (Socket client = post(5, true)) {
            BufferedReader answer =
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue", answer.readLine());
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), (byte[]) result());
        }
    }

    Object result() throws InterruptedException, ExecutionException, TimeoutException {
        return outcome.get(30, TimeUnit.SECONDS);
    }

    static Socket post(long length, boolean expectContinue) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        socket.setSoTimeout(30_000);
        String head = "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length + "\r\n"
                + (expectContinue ? "Expect: 100-continue\r\n" : "") + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
