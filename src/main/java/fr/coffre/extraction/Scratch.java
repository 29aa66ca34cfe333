package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The temporary files of one extraction (the spooled document, decoded payloads), all deleted on
 * close. Bytes are copied through a small buffer: nothing is held whole in memory.
 */
final class Scratch implements AutoCloseable {

    private static final int COPY_BUFFER = 64 * 1024;

    private final List<Path> files = new ArrayList<>();

    /**
     * Copies the stream to a new temporary file, failing with {@code reason} past {@code maxBytes}.
     * The stream is not closed.
     */
    Path spool(InputStream in, long maxBytes, QuarantineReason reason, String what) throws IOException {
        Path file = newFile();
        BoundedInputStream bounded = new BoundedInputStream(in, maxBytes);
        try (OutputStream out = NewFileOutput.open(file)) {
            byte[] buffer = new byte[COPY_BUFFER];
            int n;
            while ((n = bounded.read(buffer)) >= 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("copy interrupted");
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (bounded.limitExceeded()) {
                throw new DocumentContentException(reason, what + " is larger than " + maxBytes + " bytes");
            }
            throw e;
        }
        return file;
    }

    Path newFile() throws IOException {
        Path file = Files.createTempFile("coffre-extract-", ".bin");
        files.add(file);
        return file;
    }

    @Override
    public void close() {
        UncheckedIOException failure = null;
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                failure = new UncheckedIOException("could not delete temporary file " + file, e);
            }
        }
        files.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
