package fr.coffre.load;

import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongFunction;

/**
 * Items made in index order on a background thread, a few ahead of the consumers, so that load
 * generators never wait for a document being built (unless they outrun the generator).
 */
public final class DocumentFeed<T> implements Iterator<T>, AutoCloseable {

    private record Slot<T>(T item, RuntimeException failure) {
    }

    private final BlockingQueue<Slot<T>> queue;
    private final Thread maker;

    /** Items {@code start}, {@code start + 1}, ... without end. */
    public DocumentFeed(String name, long start, int prefetch, LongFunction<T> make) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
        this.maker = new Thread(() -> {
            try {
                for (long i = start; !Thread.currentThread().isInterrupted(); i++) {
                    Slot<T> slot;
                    try {
                        slot = new Slot<>(make.apply(i), null);
                    } catch (RuntimeException e) {
                        slot = new Slot<>(null, e);
                    }
                    queue.put(slot);
                    if (slot.failure() != null) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "feed-" + name);
        maker.setDaemon(true);
        maker.start();
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public T next() {
        Slot<T> slot;
        try {
            slot = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a document", e);
        }
        if (slot.failure() != null) {
            queue.offer(slot); // every later caller fails the same way
            throw new IllegalStateException("document generation failed", slot.failure());
        }
        return slot.item();
    }

    @Override
    public void close() {
        maker.interrupt();
    }
}
