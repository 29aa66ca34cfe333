package fr.coffre.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback TCP proxy in front of a local server whose answers it passes on at a limited rate,
 * as a slow or distant storage would send them; requests go through at full speed unless an
 * upload rate is given too.
 */
public final class ThrottlingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private final long uploadBytesPerSecond;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean held;

    public ThrottlingProxy(int targetPort, long bytesPerSecond) throws IOException {
        this(targetPort, bytesPerSecond, Long.MAX_VALUE);
    }

    /** Slow in both directions: {@code bytesPerSecond} from the server, {@code uploadBytesPerSecond} to it. */
    public ThrottlingProxy(int targetPort, long bytesPerSecond, long uploadBytesPerSecond) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.uploadBytesPerSecond = uploadBytesPerSecond;
        threads.submit(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket();
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                open.add(client);
                open.add(target);
                threads.submit(() -> copy(
                        client.getInputStream(),
                        target.getOutputStream(),
                        uploadBytesPerSecond,
                        false,
                        client,
                        target));
                threads.submit(() ->
                        copy(target.getInputStream(), client.getOutputStream(), bytesPerSecond, true, client, target));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private Void copy(InputStream in, OutputStream out, long rate, boolean fromServer, Socket a, Socket b)
            throws IOException {
        byte[] buffer = new byte[8192];
        long due = System.nanoTime();
        try (a;
                b) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (rate != Long.MAX_VALUE) {
                    // The rate is the point of this proxy: each chunk waits for its turn, and an idle
                    // connection (kept alive between requests) earns no credit for a later burst.
                    due = Math.max(due, System.nanoTime()) + n * 1_000_000_000L / rate;
                    long early = due - System.nanoTime();
                    if (early > 0) {
                        Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                    }
                }
                while (fromServer && held) {
                    Thread.sleep(5);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(a);
            open.remove(b);
        }
        return null;
    }

    /**
     * Holds what the server sends from now on, as a server that hangs mid-answer would, until
     * {@link #release()}: nothing is lost, and requests still reach the server.
     */
    public void hold() {
        held = true;
    }

    public void release() {
        held = false;
    }

    /**
     * Closes every connection through the proxy on both sides, as a server that dies does: its
     * clients read the end of the stream, with no error from the server before it.
     */
    public void dropConnections() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
