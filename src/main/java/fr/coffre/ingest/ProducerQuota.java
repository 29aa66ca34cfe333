package fr.coffre.ingest;

import fr.coffre.blocking.Await;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Each producer's documents per second, one quota whatever the number of instances: the bucket is
 * in PostgreSQL ({@link ProducerQuotaRepository}) and this instance leases up to {@code lease}
 * tokens at a time, spending them locally. A producer may go beyond its quota by at most the
 * tokens leased and not yet spent, {@code lease} per instance.
 */
public final class ProducerQuota {

    private final ProducerQuotaRepository repository;
    private final Await await;
    private final double rate;
    private final int burst;
    private final int lease;
    private final ConcurrentHashMap<String, Leased> leased = new ConcurrentHashMap<>();

    public ProducerQuota(ProducerQuotaRepository repository, Await await, double rate, int burst, int lease) {
        this.repository = repository;
        this.await = await;
        this.rate = rate;
        this.burst = burst;
        this.lease = Math.max(1, Math.min(lease, burst));
    }

    /** Zero when a token was taken, else how long until the producer's bucket has one. */
    public Duration take(String producerId) {
        Leased mine = leased.computeIfAbsent(producerId, id -> new Leased());
        // One lease at a time per producer on this instance; a lock, not synchronized, as callers
        // are virtual threads.
        mine.lock.lock();
        try {
            mine.lastUsed = System.nanoTime();
            if (mine.tokens > 0) {
                mine.tokens--;
                return Duration.ZERO;
            }
            ProducerQuotaRepository.Lease granted = await.result(repository.lease(producerId, rate, burst, lease));
            if (granted.granted() == 0) {
                return Duration.ofMillis((long) Math.ceil((1 - granted.left()) / rate * 1000));
            }
            mine.tokens = granted.granted() - 1;
            return Duration.ZERO;
        } finally {
            mine.lock.unlock();
        }
    }

    /**
     * Forgets the producers this instance has not served for {@code idle} (their unspent tokens
     * with them) and, in PostgreSQL, the buckets nobody touched for as long: full again by then.
     */
    public Uni<Integer> forgetIdle(Duration idle) {
        long before = System.nanoTime() - idle.toNanos();
        leased.values().removeIf(l -> l.lastUsed - before < 0);
        return repository.forgetIdle(idle);
    }

    /** The producers this instance holds tokens or a lock for. */
    int producersHeld() {
        return leased.size();
    }

    private static final class Leased {
        final ReentrantLock lock = new ReentrantLock();
        int tokens;
        volatile long lastUsed = System.nanoTime();
    }
}
