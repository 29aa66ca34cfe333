package fr.coffre.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/** Stands for a client whose upload stalls until the test lets it fail. */
public final class StalledStream extends InputStream {

    private final CountDownLatch gate;

    public StalledStream(CountDownLatch gate) {
        this.gate = gate;
    }

    @Override
    public int read() throws IOException {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IOException("the client went away");
    }
}
