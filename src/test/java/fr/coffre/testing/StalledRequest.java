package fr.coffre.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that sends a request's headers and the first bytes of its body, then nothing until it is
 * closed: a slow or hostile uploader, written on a plain socket so that no client library decides
 * when (or on which thread) the bytes go.
 */
public final class StalledRequest implements AutoCloseable {

    private final Socket socket;

    public StalledRequest(int port, String path, String token, String contentType, byte[] body, int sent)
            throws IOException {
        this(port, path, token, contentType, body, sent, body.length);
    }

    /** As above, with a Content-Length of {@code declared} bytes: a body announced larger than it is. */
    public StalledRequest(int port, String path, String token, String contentType, byte[] body, int sent, long declared)
            throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, 0, sent);
        out.flush();
    }

    /** The status line the server answers with, waiting at most {@code timeout}. */
    public String statusLine(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
