package fr.coffre.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.blocking.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A producer's quota is one, whatever the number of instances that serve it. */
@QuarkusTest
class ProducerQuotaTest {

    @Inject
    ProducerQuotaRepository repository;

    @Inject
    Await await;

    @Inject
    Pool pool;

    @Test
    void twoInstancesTogetherAdmitNoMoreThanTheProducersOneBurst() throws Exception {
        String producer = "quota-" + UUID.randomUUID();
        // 1 document a minute, bursts of 10: what the two admit in a few seconds is the burst.
        double rate = 1.0 / 60;
        List<ProducerQuota> instances = List.of(
                new ProducerQuota(repository, await, rate, 10, 3), new ProducerQuota(repository, await, rate, 10, 3));
        List<Callable<Integer>> callers = new ArrayList<>();
        for (ProducerQuota instance : instances) {
            for (int caller = 0; caller < 4; caller++) {
                callers.add(() -> {
                    int admitted = 0;
                    for (int i = 0; i < 10; i++) {
                        if (instance.take(producer).isZero()) {
                            admitted++;
                        }
                    }
                    return admitted;
                });
            }
        }
        int admitted = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<Integer> f : threads.invokeAll(callers)) {
                admitted += f.get();
            }
        }
        // Per instance, each would have admitted its own 10.
        assertEquals(10, admitted, "documents admitted by the two instances together");
    }

    @Test
    void aRefusalSaysWhenTheNextTokenIsThere() {
        String producer = "quota-" + UUID.randomUUID();
        ProducerQuota quota = new ProducerQuota(repository, await, 0.5, 2, 10);
        assertTrue(quota.take(producer).isZero());
        assertTrue(quota.take(producer).isZero());
        Duration wait = quota.take(producer);
        assertTrue(
                wait.compareTo(Duration.ofMillis(1500)) > 0 && wait.compareTo(Duration.ofSeconds(2)) <= 0,
                "at 0.5 documents/s, the next in about 2 s: " + wait);
    }

    @Test
    void idleProducersAreForgottenHereAndInTheSharedTable() {
        String producer = "quota-" + UUID.randomUUID();
        ProducerQuota quota = new ProducerQuota(repository, await, 100, 500, 10);
        assertTrue(quota.take(producer).isZero());
        await.result(pool.preparedQuery(
                        "UPDATE producer_quota SET refilled_at = now() - interval '2 hours' WHERE producer_id = $1")
                .execute(Tuple.of(producer)));
        await.result(quota.forgetIdle(Duration.ZERO));
        assertEquals(0, quota.producersHeld(), "producers held on this instance");
        long rows = await.result(pool.preparedQuery("SELECT count(*) FROM producer_quota WHERE producer_id = $1")
                        .execute(Tuple.of(producer)))
                .iterator()
                .next()
                .getLong(0);
        assertEquals(0, rows, "the producer's bucket in PostgreSQL");
    }
}
