package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's acceptance phases (run by ./coffre bench, after the storage ceiling):
 * <ol>
 * <li>saturation: {@code -Dconcurrency} producers (default 8) each sending one document of the
 * realistic mix after the other, for {@code -Daccept.seconds} (60): the closed model of the
 * ceiling measurement, with the same documents in the same order;</li>
 * <li>latency: an open arrival rate of {@code -Dlatency.rate} documents/s (20) for
 * {@code -Dlatency.seconds} (30).</li>
 * </ol>
 * Counts and bytes of the accepted documents go to {@code -Dbench.out}/{@code -Dphase.out}
 * (acceptance.properties); latency percentiles come from Gatling's own statistics, by request name.
 * The warm-up runs the saturation alone, under its own stream of documents ({@code -Dstream=warmup},
 * {@code -Dlatency.seconds=0}), so that what is measured afterwards is a service whose code is
 * compiled, as one that has run for a while is.
 */
public class BenchSimulation extends Simulation {

    static final String SATURATION = "upload (saturation)";
    static final String LATENCY = "upload (fixed rate)";

    private final Tokens tokens = Tokens.forProducers();
    private final Iterator<Map<String, Object>> documents = Coffre.uploads(Coffre.generator(Settings.string("stream", "bench")), null, null);
    private final int concurrency = Settings.integer("concurrency", 8);
    private final int acceptSeconds = Settings.integer("accept.seconds", 60);
    private final double latencyRate = Settings.decimal("latency.rate", 20);
    private final int latencySeconds = Settings.integer("latency.seconds", 30);

    private final Phase saturation = new Phase();
    private final Phase latency = new Phase();

    /** What one phase accepted, and when its first request started and its last answer came. */
    static final class Phase {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong();
        /** Measured around the request here too, should the report's table ever be unreadable. */
        final Latencies latencies = new Latencies();

        ChainBuilder upload(String name, Tokens tokens, Iterator<Map<String, Object>> feed) {
            return io.gatling.javaapi.core.CoreDsl.feed(feed)
                    .exec(session -> {
                        first.accumulateAndGet(System.currentTimeMillis(), Math::min);
                        return session.set("sentAt", System.nanoTime());
                    })
                    .exec(Coffre.upload(name, tokens))
                    .exec(this::count);
        }

        private Session count(Session session) {
            if (session.isFailed()) {
                failed.incrementAndGet();
            } else {
                accepted.incrementAndGet();
                bytes.addAndGet(session.getInt("size"));
                latencies.add((System.nanoTime() - session.getLong("sentAt")) / 1_000_000);
            }
            last.accumulateAndGet(System.currentTimeMillis(), Math::max);
            return session.remove("body");
        }

        void write(Properties out, String prefix) {
            out.setProperty(prefix + ".accepted", Long.toString(accepted.get()));
            out.setProperty(prefix + ".failed", Long.toString(failed.get()));
            out.setProperty(prefix + ".bytes", Long.toString(bytes.get()));
            out.setProperty(prefix + ".startMillis", Long.toString(first.get() == Long.MAX_VALUE ? 0 : first.get()));
            out.setProperty(prefix + ".endMillis", Long.toString(last.get()));
            out.setProperty(prefix + ".client.p50", Long.toString(latencies.percentile(50)));
            out.setProperty(prefix + ".client.p95", Long.toString(latencies.percentile(95)));
            out.setProperty(prefix + ".client.p99", Long.toString(latencies.percentile(99)));
        }
    }

    private final ScenarioBuilder saturated = scenario("Saturation")
            .exec(saturation.upload(SATURATION, tokens, documents));
    private final ScenarioBuilder fixedRate = scenario("Fixed rate")
            .exec(latency.upload(LATENCY, tokens, documents));

    {
        // Either phase may be left out (0 s): the bench runs them apart when the roles run apart.
        PopulationBuilder population;
        if (acceptSeconds == 0) {
            population = fixedRate.injectOpen(constantUsersPerSec(latencyRate).during(latencySeconds));
        } else {
            population = saturated.injectClosed(constantConcurrentUsers(concurrency).during(acceptSeconds));
            if (latencySeconds > 0) {
                population = population.andThen(
                        fixedRate.injectOpen(constantUsersPerSec(latencyRate).during(latencySeconds)));
            }
        }
        setUp(population)
                .protocols(Coffre.protocol())
                // The latency target, at 20 documents/s; errors are counted, not hidden.
                .assertions(assertions());
    }

    private List<Assertion> assertions() {
        List<Assertion> assertions = new ArrayList<>();
        double maxErrors = Settings.decimal("max.error.percent", 1.0);
        if (acceptSeconds > 0) {
            assertions.add(details(SATURATION).failedRequests().percent().lte(maxErrors));
        }
        if (latencySeconds > 0) {
            assertions.add(details(LATENCY).responseTime().percentile(99.0).lte(Settings.integer("p99.ms", 250)));
            assertions.add(details(LATENCY).failedRequests().percent().lte(maxErrors));
        }
        return assertions;
    }

    @Override
    public void after() {
        tokens.close();
        Properties out = new Properties();
        out.setProperty("runId", Settings.runId() + "-" + Settings.string("stream", "bench"));
        out.setProperty("concurrency", Integer.toString(concurrency));
        out.setProperty("latency.rate", Double.toString(latencyRate));
        saturation.write(out, "saturation");
        latency.write(out, "latency");
        Path dir = Path.of(Settings.string("bench.out", "target/bench/" + Settings.runId()));
        try {
            Files.createDirectories(dir);
            try (var writer = Files.newBufferedWriter(dir.resolve(Settings.string("phase.out", "acceptance.properties")))) {
                out.store(writer, "BenchSimulation");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
