package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
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
 * {@code -Dlatency.seconds} (30), after {@code -Dlead-in.seconds} (0) of the same rate whose
 * documents and answers are not counted.</li>
 * </ol>
 * The lead-in is for a fixed rate run in a Gatling JVM of its own: that JVM's start takes a core
 * or more of the machine the service runs on for its first seconds, and what the phase then
 * measured was the load generator's start as much as the service. Its documents come from a
 * stream of their own ({@code lead-in-<stream>}, outside the run's {@code …-bench-} documents),
 * so that no figure of the run counts them, but the service indexes them as it would any: the
 * measured seconds start with indexing already under way at that rate.
 * Counts and bytes of the accepted documents go to {@code -Dbench.out}/{@code -Dphase.out}
 * (acceptance.properties); latency percentiles come from Gatling's own statistics, by request name.
 * The warm-up runs the saturation alone, under its own stream of documents ({@code -Dstream=warmup},
 * {@code -Dlatency.seconds=0}), so that what is measured afterwards is a service whose code is
 * compiled, as one that has run for a while is.
 */
public class BenchSimulation extends Simulation {

    static final String SATURATION = "upload (saturation)";
    static final String LATENCY = "upload (fixed rate)";
    static final String LEAD_IN = "upload (lead-in, not counted)";

    private final Tokens tokens = Tokens.forProducers();
    private final String stream = Settings.string("stream", "bench");
    private final Iterator<Map<String, Object>> documents = Coffre.uploads(Coffre.generator(stream), null, null);
    private final int concurrency = Settings.integer("concurrency", 8);
    private final int acceptSeconds = Settings.integer("accept.seconds", 60);
    private final double latencyRate = Settings.decimal("latency.rate", 20);
    private final int latencySeconds = Settings.integer("latency.seconds", 30);
    private final int leadInSeconds = latencySeconds > 0 ? Settings.integer("lead-in.seconds", 0) : 0;

    private final Phase saturation = new Phase();
    private final Phase latency = new Phase();
    private final Phase leadIn = new Phase();

    /** What one phase accepted, and when its first request started and its last answer came. */
    static final class Phase {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Refusals refusals = new Refusals();
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
                refusals.add(
                        session.contains("status") ? session.getInt("status") : null,
                        session.contains("answer") ? session.getString("answer") : null);
            } else {
                accepted.incrementAndGet();
                bytes.addAndGet(session.getInt("size"));
                latencies.add((System.nanoTime() - session.getLong("sentAt")) / 1_000_000);
            }
            last.accumulateAndGet(System.currentTimeMillis(), Math::max);
            return session.removeAll("body", "answer", "status");
        }

        void write(Properties out, String prefix) {
            out.setProperty(prefix + ".accepted", Long.toString(accepted.get()));
            out.setProperty(prefix + ".failed", Long.toString(failed.get()));
            if (failed.get() > 0) {
                out.setProperty(prefix + ".refusals", refusals.summary());
            }
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
        List<PopulationBuilder> population;
        if (acceptSeconds == 0) {
            population = atFixedRate();
        } else {
            PopulationBuilder saturation = saturated.injectClosed(constantConcurrentUsers(concurrency).during(acceptSeconds));
            population = List.of(latencySeconds > 0 ? saturation.andThen(atFixedRate()) : saturation);
        }
        setUp(population)
                .protocols(Coffre.protocol())
                // The latency target, at 20 documents/s; errors are counted, not hidden.
                .assertions(assertions());
    }

    /**
     * The fixed rate, and its lead-in at the same rate alongside it: the measured arrivals start
     * as the lead-in's stop, so that the service sees one rate throughout.
     */
    private List<PopulationBuilder> atFixedRate() {
        if (leadInSeconds == 0) {
            return List.of(fixedRate.injectOpen(constantUsersPerSec(latencyRate).during(latencySeconds)));
        }
        ScenarioBuilder leadInRate = scenario("Lead-in")
                .exec(leadIn.upload(LEAD_IN, tokens, Coffre.uploads(Coffre.generator("lead-in-" + stream), null, null)));
        return List.of(
                leadInRate.injectOpen(constantUsersPerSec(latencyRate).during(leadInSeconds)),
                fixedRate.injectOpen(nothingFor(leadInSeconds), constantUsersPerSec(latencyRate).during(latencySeconds)));
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
        if (leadInSeconds > 0) {
            leadIn.write(out, "leadIn");
            out.setProperty("leadIn.seconds", Integer.toString(leadInSeconds));
        }
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
