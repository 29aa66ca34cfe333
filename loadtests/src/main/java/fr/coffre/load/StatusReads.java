package fr.coffre.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one metadata read costs the service: producers polling the status of documents they sent
 * ({@code GET /api/v1/documents/{id}}), the read a hospital's software repeats most. Uploads
 * {@code -Ddocuments} (20) generated documents, reads them for {@code -Dseconds} (10) unmeasured,
 * then for {@code -Dseconds} measured from {@code -Dconcurrency} (8) threads, and prints reads/s,
 * p50/p99 and the service's CPU per read (from /proc, {@code -Dservice.pid}). Used to compare two
 * ways of making that read (docs/benchmarks.md, "Metadata reads").
 */
public final class StatusReads {

    private StatusReads() {}

    public static void main(String[] args) throws Exception {
        String pid = Settings.string("service.pid", "");
        int concurrency = Settings.integer("concurrency", 8);
        int seconds = Settings.integer("seconds", 10);
        DocumentGenerator generator =
                new DocumentGenerator(Corpus.locate(), Settings.seed(), Settings.runId() + "-reads");
        try (Tokens tokens = Tokens.forProducers()) {
            Producers producers = new Producers(Settings.baseUrl(), tokens);
            List<String[]> sent = new ArrayList<>();
            for (long i = 0; sent.size() < Settings.integer("documents", 20); i++) {
                GeneratedDocument d = generator.document(i);
                if (d.large()) {
                    continue;
                }
                Producers.Answer answer = producers.upload(d, d.kind().producer);
                if (answer.status() != 201) {
                    throw new IllegalStateException("upload refused: " + answer.status() + " " + answer.body());
                }
                sent.add(new String[] {answer.id(), d.kind().producer});
            }
            read(producers, sent, concurrency, seconds, new Latencies());
            Latencies latencies = new Latencies();
            long ticksBefore = pid.isBlank() ? 0 : BenchReport.cpuTicks(pid);
            long start = System.nanoTime();
            long reads = read(producers, sent, concurrency, seconds, latencies);
            double elapsed = (System.nanoTime() - start) / 1e9;
            long ticks = pid.isBlank() ? 0 : BenchReport.cpuTicks(pid) - ticksBefore;
            // Clock ticks are 1/100 s on Linux.
            System.out.println(String.format(
                    Locale.ROOT,
                    "status reads: %d in %.1f s = %.0f/s, p50 %.1f ms, p99 %.1f ms, service CPU %s",
                    reads,
                    elapsed,
                    reads / elapsed,
                    latencies.percentile(50) / 1000.0,
                    latencies.percentile(99) / 1000.0,
                    pid.isBlank()
                            ? "not measured (no -Dservice.pid)"
                            : String.format(Locale.ROOT, "%.3f ms per read", ticks * 10.0 / reads)));
        }
    }

    private static long read(
            Producers producers, List<String[]> documents, int concurrency, int seconds, Latencies latencies)
            throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong reads = new AtomicLong();
        try (ExecutorService threads = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                running.add(threads.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        String[] d = documents.get(ThreadLocalRandom.current().nextInt(documents.size()));
                        long sent = System.nanoTime();
                        Producers.Answer answer = producers.status(d[0], d[1]);
                        if (answer.status() != 200) {
                            throw new IllegalStateException("status read: " + answer.status() + " " + answer.body());
                        }
                        // Microseconds: a read takes a few milliseconds.
                        latencies.add((System.nanoTime() - sent) / 1_000);
                        reads.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        return reads.get();
    }
}
