package fr.coffre.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Puts a benchmark run together once its phases are over: waits (bounded) for the run's documents
 * to leave STORED, reads the ceiling and acceptance figures, Gatling's percentiles, the end-to-end
 * figures from PostgreSQL and the service's memory and CPU from /proc; prints them, and appends a
 * row to the table in docs/benchmarks.md when {@code -Drecord} names it.
 *
 * <p>System properties: bench.out (which holds ceiling, acceptance and cpu .properties), run.id,
 * gatling.report (the report folder), service.pid (the api process, or the one process),
 * worker.pid (when the roles run apart), clk.tck (100), drain.seconds (60), record, commit, machine,
 * aot.cache (not empty when the processes ran from an AOT cache), warmup.seconds and warmup.default
 * (the warm-up's uploads, and the bench's default for the run's duration).
 * Exits with {@value #MISSED_TARGET} when a target of issue 13 is missed, after recording the row.
 * PostgreSQL from COFFRE_PG_HOST, COFFRE_PG_PORT, COFFRE_PG_DB, COFFRE_PG_USER, COFFRE_PG_PASSWORD.
 */
public final class BenchReport {

    static final String ROWS_END = "<!-- ./coffre bench adds its rows above this line -->";
    static final String LARGE_ROWS_END = "<!-- ./coffre bench --large-document adds its rows above this line -->";

    /** Issue 13's targets; a run that misses one ends with {@link #MISSED_TARGET}. */
    static final double TARGET_RATIO = 0.8;
    static final double TARGET_P99_AT_FIXED_RATE_MS = 250;
    static final long TARGET_PEAK_RSS_KB = 512 * 1024;
    static final double TARGET_CPU_MS_PER_ACCEPTED = 3;
    static final double TARGET_CPU_MS_PER_INDEXED = 8;
    static final double TARGET_DRAIN_PER_SECOND = 120;
    static final double TARGET_LAG_P99_AT_STEADY_SECONDS = 5;
    static final int MISSED_TARGET = 3;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(Settings.string("bench.out", "target/bench/" + Settings.runId()));
        String prefix = Settings.runId() + "-bench-";
        Properties ceiling = load(out.resolve("ceiling.properties"));
        Properties acceptance = load(out.resolve("acceptance.properties"));
        if (Files.exists(out.resolve("latency.properties"))) {
            // The fixed rate ran on its own, after the drain: its figures are in their own file.
            Properties latency = load(out.resolve("latency.properties"));
            latency.stringPropertyNames().stream()
                    .filter(key -> key.startsWith("latency.") || key.startsWith("leadIn."))
                    .forEach(key -> acceptance.setProperty(key, latency.getProperty(key)));
        }
        Properties cpu = load(out.resolve("cpu.properties"));
        long clkTck = Settings.integer("clk.tck", 100);
        String apiPid = Settings.string("service.pid", "");
        String workerPid = Settings.string("worker.pid", "");
        boolean split = !workerPid.isBlank();

        // (3) end to end, after the backlog of this run has drained (or the wait is over).
        EndToEnd e2e;
        Drain drain;
        EndToEnd steady;
        try (Connection db = connect()) {
            e2e = Backlog.waitForDrain(db, prefix, Settings.integer("drain.seconds", 60));
            // Split: the backlog of the saturation, drained by the worker alone once resumed.
            // One process: what was still STORED when the acceptance phases ended.
            long since = split
                    ? ticks(cpu, "drain.startMillis")
                    : Math.max(
                            Long.parseLong(acceptance.getProperty("saturation.endMillis", "0")),
                            Long.parseLong(acceptance.getProperty("latency.endMillis", "0")));
            // Split: up to the moment the worker's CPU was read, so that both count the same work.
            long until = split ? ticks(cpu, "drain.endMillis") : Long.MAX_VALUE;
            drain = drain(db, prefix, since, until);
            // (3b) the steady rate's own documents, once indexed: how far indexing lags when it keeps up.
            steady = Files.exists(out.resolve("steady.properties"))
                    ? Backlog.waitForDrain(db, prefix + "steady-", Settings.integer("drain.seconds", 60))
                    : null;
        }

        // (4) the processes: CPU ticks from /proc, taken by the bench script at the phase
        // boundaries (cpu.properties) and now.
        double apiAcceptCpu = (ticks(cpu, "api.acceptEnd") - ticks(cpu, "api.acceptStart")) / (double) clkTck;
        double apiTotalCpu = Double.NaN;
        double workerCpu = (ticks(cpu, "worker.drainEnd") - ticks(cpu, "worker.drainStart")) / (double) clkTck;
        long apiRssKb = -1;
        long workerRssKb = -1;
        long childrenRssKb = 0;
        int children = 0;
        if (!apiPid.isBlank() && Files.exists(Path.of("/proc", apiPid))) {
            apiTotalCpu = (cpuTicks(apiPid) - ticks(cpu, "api.acceptStart")) / (double) clkTck;
            apiRssKb = statusKb(apiPid, "VmHWM");
            childrenRssKb += childrenPeakRssKb(apiPid);
            children += withChildren(apiPid).size() - 1;
        }
        if (split && Files.exists(Path.of("/proc", workerPid))) {
            workerRssKb = statusKb(workerPid, "VmHWM");
            childrenRssKb += childrenPeakRssKb(workerPid);
            children += withChildren(workerPid).size() - 1;
        }

        // (1) and (2)
        double ceilingSeconds = Double.parseDouble(ceiling.getProperty("seconds", "0"));
        long ceilingObjects = Long.parseLong(ceiling.getProperty("objects", "0"));
        double ceilingRate = ceilingSeconds > 0 ? ceilingObjects / ceilingSeconds : 0;
        double ceilingMBs = ceilingSeconds > 0 ? Long.parseLong(ceiling.getProperty("bytes", "0")) / 1e6 / ceilingSeconds : 0;
        long accepted = Long.parseLong(acceptance.getProperty("saturation.accepted", "0"));
        long failed = Long.parseLong(acceptance.getProperty("saturation.failed", "0"));
        double acceptSeconds = (Long.parseLong(acceptance.getProperty("saturation.endMillis", "0"))
                - Long.parseLong(acceptance.getProperty("saturation.startMillis", "0"))) / 1000.0;
        double acceptRate = acceptSeconds > 0 ? accepted / acceptSeconds : 0;
        double acceptMBs = acceptSeconds > 0 ? Long.parseLong(acceptance.getProperty("saturation.bytes", "0")) / 1e6 / acceptSeconds : 0;
        long latencyAccepted = Long.parseLong(acceptance.getProperty("latency.accepted", "0"));
        long latencyFailed = Long.parseLong(acceptance.getProperty("latency.failed", "0"));

        long[] saturation = percentiles(acceptance, "saturation", "upload (saturation)", Settings.string("gatling.report", ""));
        long[] fixedRate = percentiles(acceptance, "latency", "upload (fixed rate)",
                Settings.string("gatling.report.latency", Settings.string("gatling.report", "")));
        double ratio = ceilingRate > 0 ? acceptRate / ceilingRate : 0;
        long documents = accepted + latencyAccepted;
        // Per accepted document: split, the api process over the saturation, with the worker
        // stopped; one process, over both acceptance phases, with the indexing it did meanwhile.
        double msPerAccepted = split
                ? (accepted > 0 ? 1000 * apiAcceptCpu / accepted : Double.NaN)
                : (documents > 0 ? 1000 * apiAcceptCpu / documents : Double.NaN);
        // Per indexed document: split, the worker process over the drain of the saturation's
        // backlog; one process, everything from the first acceptance to the end of the drain.
        double msPerIndexed = split
                ? (drain.indexed > 0 ? 1000 * workerCpu / drain.indexed : Double.NaN)
                : (e2e.indexed > 0 ? 1000 * apiTotalCpu / e2e.indexed : Double.NaN);
        long peakRssKb = Math.max(apiRssKb, workerRssKb);
        String concurrency = acceptance.getProperty("concurrency", "?");
        String latencyRate = trim(Double.parseDouble(acceptance.getProperty("latency.rate", "0")));
        String mode = mode(
                split,
                !Settings.string("aot.cache", "").isEmpty(),
                Settings.integer("warmup.seconds", 0),
                Settings.integer("warmup.default", 0));

        List<String> lines = new ArrayList<>();
        lines.add("run " + Settings.runId() + " (documents " + prefix + "*), concurrency " + concurrency + ", " + mode);
        lines.add(String.format(Locale.ROOT, "(1) ceiling, PUT to S3:        %7.1f docs/s  %7.1f MB/s  p50 %s p95 %s p99 %s ms  (%d objects in %.0f s, %s failed)",
                ceilingRate, ceilingMBs, ceiling.getProperty("p50"), ceiling.getProperty("p95"), ceiling.getProperty("p99"),
                ceilingObjects, ceilingSeconds, ceiling.getProperty("failures", "0")));
        lines.add(String.format(Locale.ROOT, "(2) acceptance through Coffre: %7.1f docs/s  %7.1f MB/s  p50 %d p95 %d p99 %d ms  (%d accepted in %.0f s, %d failed)",
                acceptRate, acceptMBs, saturation[0], saturation[1], saturation[2], accepted, acceptSeconds, failed));
        refusals(acceptance, "saturation", "in the saturation").ifPresent(lines::add);
        lines.add(String.format(Locale.ROOT, "    at %s docs/s (open model):  p50 %d p95 %d p99 %d ms  (%d accepted, %d failed%s)",
                latencyRate, fixedRate[0], fixedRate[1], fixedRate[2], latencyAccepted, latencyFailed, leadIn(acceptance)));
        refusals(acceptance, "latency", "at " + latencyRate + "/s").ifPresent(lines::add);
        refusals(acceptance, "leadIn", "in its lead-in").ifPresent(lines::add);
        lines.add(String.format(Locale.ROOT, "    ratio acceptance / ceiling: %.2f", ratio));
        lines.add(String.format(Locale.ROOT, "(3) end to end: %d INDEXED of %d (%d still STORED, %d quarantined or failed; %d index entries for the INDEXED): %.1f docs/s sustained; lag p50 %.2f s, p99 %.2f s, max %.2f s",
                e2e.indexed, e2e.total, e2e.pending, e2e.refused, e2e.entries, e2e.indexedRate(), e2e.lagP50, e2e.lagP99, e2e.lagMax));
        lines.add(String.format(Locale.ROOT, "    drain after acceptance: %d documents in %.1f s, %.1f docs/s",
                drain.indexed, drain.seconds(), drain.rate()));
        Properties steadyPhase = steady == null ? new Properties() : load(out.resolve("steady.properties"));
        double steadyRate = Double.parseDouble(steadyPhase.getProperty("latency.rate", "0"));
        long steadyAccepted = Long.parseLong(steadyPhase.getProperty("latency.accepted", "0"));
        long steadyRefused = Long.parseLong(steadyPhase.getProperty("latency.failed", "0"));
        if (steady != null) {
            lines.add(String.format(Locale.ROOT, "    at %s docs/s, both roles running: %d accepted, %d refused%s; %d INDEXED of %d, lag p50 %.2f s, p99 %.2f s, max %.2f s",
                    trim(steadyRate), steadyAccepted, steadyRefused, leadIn(steadyPhase), steady.indexed, steady.total,
                    steady.lagP50, steady.lagP99, steady.lagMax));
            refusals(steadyPhase, "latency", "at " + trim(steadyRate) + "/s").ifPresent(lines::add);
            refusals(steadyPhase, "leadIn", "in its lead-in").ifPresent(lines::add);
        }
        lines.add(String.format(Locale.ROOT, "(4) CPU: %.1f ms per accepted document (%s); %.1f ms per indexed document (%s)",
                msPerAccepted, split ? "api process alone, over the saturation" : "the one process over the acceptance phases, indexing included",
                msPerIndexed, split ? "worker process alone, draining the saturation's backlog" : "the one process, from the first acceptance to the end of the drain"));
        // The JIT compiler's threads over the same phases: how much of each figure is a service
        // still compiling its hot code, which one that has run for a while no longer does.
        double apiJitCpu = (ticks(cpu, "api.jitEnd") - ticks(cpu, "api.jitStart")) / (double) clkTck;
        double workerJitCpu = (ticks(cpu, "worker.jitEnd") - ticks(cpu, "worker.jitStart")) / (double) clkTck;
        double jitPerAccepted = accepted > 0 ? 1000 * apiJitCpu / (split ? accepted : documents) : Double.NaN;
        lines.add(split
                ? String.format(Locale.ROOT, "    of which the JIT compiler: %.1f ms per accepted document, %.1f ms per indexed document",
                        jitPerAccepted, drain.indexed > 0 ? 1000 * workerJitCpu / drain.indexed : Double.NaN)
                : String.format(Locale.ROOT, "    of which the JIT compiler: %.1f ms per accepted document", jitPerAccepted));
        lines.add(String.format(Locale.ROOT, "    peak RSS: %s%s; the %d extraction processes besides: %s", human(apiRssKb),
                split ? " (api), " + human(workerRssKb) + " (worker)" : "", children, human(childrenRssKb)));
        Path samplesFile = out.resolve("cpu-samples.tsv");
        if (Files.exists(samplesFile)) {
            lines.addAll(machineLines(
                    Files.readAllLines(samplesFile),
                    clkTck,
                    new Window(
                            Long.parseLong(ceiling.getProperty("startMillis", "0")),
                            Long.parseLong(ceiling.getProperty("endMillis", "0")),
                            ceilingObjects),
                    new Window(
                            Long.parseLong(acceptance.getProperty("saturation.startMillis", "0")),
                            Long.parseLong(acceptance.getProperty("saturation.endMillis", "0")),
                            accepted),
                    split
                            // From the first document indexed to the last, as the drain's rate: not
                            // the worker's return to its consumer group after its stop.
                            ? new Window(drain.firstMillis(), drain.lastMillis(), drain.indexed())
                            : null));
        }

        List<String> missed = new ArrayList<>();
        if (ratio < TARGET_RATIO) missed.add(String.format(Locale.ROOT, "ratio %.2f < %.1f", ratio, TARGET_RATIO));
        if (fixedRate[2] > TARGET_P99_AT_FIXED_RATE_MS) missed.add("p99 at " + latencyRate + "/s " + fixedRate[2] + " ms > 250 ms");
        if (peakRssKb > TARGET_PEAK_RSS_KB) missed.add("peak RSS " + human(peakRssKb) + " > 512 MiB");
        if (e2e.pending > 0 || e2e.total < documents) missed.add(e2e.pending + " documents not indexed after the drain");
        notIndexedOnce(e2e).ifPresent(missed::add);
        if (steady != null && (steady.pending > 0 || !(steady.lagP99 <= TARGET_LAG_P99_AT_STEADY_SECONDS))) {
            missed.add(String.format(Locale.ROOT, "lag p99 at %s/s %.1f s > 5 s%s", trim(steadyRate), steady.lagP99,
                    steady.pending > 0 ? " (" + steady.pending + " not indexed)" : ""));
        }
        if (steady != null) {
            steadyRateNotAccepted(trim(steadyRate), steadyAccepted, steadyRefused).ifPresent(missed::add);
        }
        if (split) {
            if (!(msPerAccepted <= TARGET_CPU_MS_PER_ACCEPTED)) missed.add(String.format(Locale.ROOT, "%.1f ms CPU per accepted document > 3", msPerAccepted));
            if (!(msPerIndexed <= TARGET_CPU_MS_PER_INDEXED)) missed.add(String.format(Locale.ROOT, "%.1f ms CPU per indexed document > 8", msPerIndexed));
            if (drain.rate() < TARGET_DRAIN_PER_SECOND) missed.add(String.format(Locale.ROOT, "drain %.1f docs/s < 120", drain.rate()));
        }
        lines.add(missed.isEmpty() ? "targets: all met" : "targets missed: " + String.join("; ", missed));
        lines.forEach(System.out::println);

        String row = String.format(Locale.ROOT,
                "| %s | %s | %s | %s | %s | %.1f (%.1f MB/s) | %.1f (%.1f MB/s) | %.2f | %d / %d / %d | %s | %d | %.1f | %.1f | %.1f / %.1f%s | %s | %s | %s | %d |",
                LocalDate.now(), Settings.string("commit", "?"), Settings.string("machine", "?"), mode, concurrency,
                ceilingRate, ceilingMBs, acceptRate, acceptMBs, ratio, saturation[0], saturation[1], saturation[2],
                fixedRate[2] + " ms at " + latencyRate + "/s", failed + latencyFailed, e2e.indexedRate(), drain.rate(),
                e2e.lagP50, e2e.lagP99,
                steady == null ? "" : String.format(Locale.ROOT, "; at %s/s %.1f / %.1f", trim(steadyRate), steady.lagP50, steady.lagP99),
                human(peakRssKb), milliseconds(msPerAccepted), milliseconds(msPerIndexed), missed.size());
        System.out.println();
        System.out.println(row);
        String record = Settings.string("record", "");
        if (!record.isBlank()) {
            appendRow(Path.of(record), ROWS_END, row);
            System.out.println("row added to " + record);
        }
        if (!missed.isEmpty()) {
            System.exit(MISSED_TARGET);
        }
    }

    /** Documents indexed, and the times of the first and the last of them (epoch millis). */
    record Drain(long indexed, long firstMillis, long lastMillis) {
        double seconds() {
            return (lastMillis - firstMillis) / 1000.0;
        }

        double rate() {
            return seconds() > 0 ? indexed / seconds() : 0;
        }
    }

    /** A phase of the run: from, to (epoch millis) and the documents it handled. */
    record Window(long fromMillis, long toMillis, long documents) {}

    /**
     * Line (5): the machine's CPU per document, process by process, over the ceiling, the
     * saturation and, when the roles run apart, the drain, whose target is the whole machine's too:
     * the worker with its extraction processes, and the servers each indexed document costs.
     */
    static List<String> machineLines(List<String> samplesFile, long clkTck, Window ceiling, Window saturation, Window drain) {
        List<String> names = new ArrayList<>();
        List<MachineCpu.Sample> samples = MachineCpu.read(samplesFile, names);
        List<String> lines = new ArrayList<>();
        lines.add("(5) the machine's CPU, ms per document: ceiling: " + perDocument(samples, names, clkTck, ceiling));
        lines.add("    saturation: " + perDocument(samples, names, clkTck, saturation));
        if (drain != null) {
            lines.add("    drain: " + perDocument(samples, names, clkTck, drain));
        }
        return lines;
    }

    private static String perDocument(List<MachineCpu.Sample> samples, List<String> names, long clkTck, Window window) {
        return MachineCpu.perDocument(
                MachineCpu.between(samples, names, window.fromMillis(), window.toMillis()), window.documents(), clkTck);
    }

    /**
     * What was indexed of the run's saturation and fixed rate after an instant (the fixed rate's
     * own stream, {@code …-bench-rate-n} when it runs apart, left out), and over how long: from the
     * first to the last indexed, so that a resumed worker's time to rejoin its group is not counted.
     */
    static Drain drain(Connection db, String prefix, long sinceMillis, long untilMillis) throws SQLException {
        String sql = """
                SELECT count(*), coalesce(floor(extract(epoch FROM min(updated_at)) * 1000), 0),
                       coalesce(floor(extract(epoch FROM max(updated_at)) * 1000), 0)
                FROM document
                WHERE left(split_part(unique_id, '^', 2), length(?)) = ? AND status = 'INDEXED'
                  AND left(split_part(unique_id, '^', 2), length(?)) <> ?
                  AND updated_at > to_timestamp(? / 1000.0) AND updated_at <= to_timestamp(? / 1000.0)
                """;
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, prefix);
            statement.setString(2, prefix);
            statement.setString(3, prefix + "rate-");
            statement.setString(4, prefix + "rate-");
            statement.setLong(5, sinceMillis);
            statement.setLong(6, Math.min(untilMillis, 9_000_000_000_000L));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new Drain(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    private static long ticks(Properties cpu, String key) {
        String value = cpu.getProperty(key, "").trim();
        return value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static String human(long kb) {
        return kb < 0 ? "n/a" : Sizes.human(kb * 1024);
    }

    private static String milliseconds(double ms) {
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.1f", ms);
    }

    /** p50, p95, p99 in ms: Gatling's, from its report; the simulation's own if the report cannot be read. */
    private static long[] percentiles(Properties acceptance, String phase, String requestName, String report)
            throws IOException {
        if (!report.isBlank()) {
            Optional<GatlingReport> stats = GatlingReport.read(Path.of(report), requestName);
            if (stats.isPresent()) {
                return new long[] {stats.get().p50(), stats.get().p95(), stats.get().p99()};
            }
            System.err.println("no '" + requestName + "' row in " + report + "; using the simulation's own timings");
        }
        return new long[] {
            Long.parseLong(acceptance.getProperty(phase + ".client.p50", "0")),
            Long.parseLong(acceptance.getProperty(phase + ".client.p95", "0")),
            Long.parseLong(acceptance.getProperty(phase + ".client.p99", "0"))};
    }

    /** {@code entries}: index entries of the INDEXED documents, one each when indexing did its job once. */
    record EndToEnd(long total, long indexed, long pending, long refused, long entries, double spanSeconds,
            double lagP50, double lagP99, double lagMax) {
        double indexedRate() {
            return spanSeconds > 0 ? indexed / spanSeconds : 0;
        }
    }

    static EndToEnd endToEnd(Connection db, String prefix) throws SQLException {
        String sql = """
                SELECT count(*),
                       count(*) FILTER (WHERE d.status = 'INDEXED'),
                       count(*) FILTER (WHERE d.status = 'STORED'),
                       count(*) FILTER (WHERE d.status IN ('QUARANTINED', 'FAILED')),
                       count(i.document_id) FILTER (WHERE d.status = 'INDEXED'),
                       extract(epoch FROM max(d.updated_at) FILTER (WHERE d.status = 'INDEXED') - min(d.received_at)),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.updated_at - d.received_at))
                           FILTER (WHERE d.status = 'INDEXED'),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.updated_at - d.received_at))
                           FILTER (WHERE d.status = 'INDEXED'),
                       max(extract(epoch FROM d.updated_at - d.received_at)) FILTER (WHERE d.status = 'INDEXED')
                FROM document d
                LEFT JOIN document_index i ON i.document_id = d.id
                WHERE left(split_part(d.unique_id, '^', 2), length(?)) = ?
                """;
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, prefix);
            statement.setString(2, prefix);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new EndToEnd(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9));
            }
        }
    }

    static Connection connect() throws SQLException {
        String url = "jdbc:postgresql://" + StorageCeiling.env("COFFRE_PG_HOST", "127.0.0.1") + ":"
                + StorageCeiling.env("COFFRE_PG_PORT", "55432") + "/" + StorageCeiling.env("COFFRE_PG_DB", "coffre");
        return DriverManager.getConnection(url, StorageCeiling.env("COFFRE_PG_USER", "coffre"),
                StorageCeiling.env("COFFRE_PG_PASSWORD", "coffre-local"));
    }

    /**
     * CPU of a process and of its children (the worker's extraction processes), in clock ticks:
     * utime + stime of each, plus the children it has already reaped (cutime + cstime).
     */
    static long cpuTicks(String pid) throws IOException {
        long ticks = 0;
        for (String p : withChildren(pid)) {
            try {
                String stat = Files.readString(Path.of("/proc", p, "stat"));
                // Fields after the command name, which is in parentheses and may hold spaces.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                        + Long.parseLong(fields[14]);
            } catch (NoSuchFileException e) {
                // a child that ended meanwhile: its CPU is its parent's cutime now
            }
        }
        return ticks;
    }

    /** The process and its children, as /proc names them. */
    static List<String> withChildren(String pid) {
        List<String> all = new ArrayList<>(List.of(pid));
        ProcessHandle.of(Long.parseLong(pid))
                .ifPresent(p -> p.children().forEach(c -> all.add(String.valueOf(c.pid()))));
        return all;
    }

    /** Peak resident memory of the children alive now (extraction processes), in kB, summed. */
    static long childrenPeakRssKb(String pid) throws IOException {
        long kb = 0;
        for (String p : withChildren(pid).subList(1, withChildren(pid).size())) {
            try {
                kb += statusKb(p, "VmHWM");
            } catch (NoSuchFileException e) {
                // ended meanwhile
            }
        }
        return kb;
    }

    /** A kB figure of /proc/PID/status (VmRSS, VmHWM). */
    static long statusKb(String pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /**
     * What a row measured: the processes, whether they started from an AOT cache of their own
     * training run (loadtests/bench --train, as `./coffre up` starts the service once one is made),
     * and the warm-up when it is not the default, since a longer one leaves the JIT less to do in
     * the measured phases than the rows around it had.
     */
    static String mode(boolean split, boolean aotCache, int warmupSeconds, int defaultWarmupSeconds) {
        return (split ? "api + worker processes" : "one process")
                + (aotCache ? ", AOT cache" : "")
                + (warmupSeconds != defaultWarmupSeconds ? ", warm-up " + warmupSeconds + " s" : "");
    }

    /**
     * Issue 13's "every document is indexed exactly once": an index entry per INDEXED document.
     * More than one cannot be (document_index's key is the document); none would be a document
     * marked INDEXED by a transaction that did not write its entry.
     */
    static Optional<String> notIndexedOnce(EndToEnd e2e) {
        if (e2e.entries() == e2e.indexed()) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT, "%d INDEXED documents without their index entry", e2e.indexed() - e2e.entries()));
    }

    /**
     * Issue 13 asks that indexing keep up with a steady rate accepted: a steady phase that refused
     * more than 1 % of what it sent (503 or 429, the service shedding load) measured its lag at a
     * lower rate than it names, and misses that target whatever the lag.
     */
    static Optional<String> steadyRateNotAccepted(String rate, long accepted, long refused) {
        long sent = accepted + refused;
        if (sent == 0 || refused * 100 <= sent) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT, "at %s/s, %d of %d refused (%.1f docs/s accepted)", rate, refused, sent,
                accepted * Double.parseDouble(rate) / sent));
    }

    /**
     * What a fixed rate's lead-in (BenchSimulation) sent before its measured seconds, none of it
     * counted in the phase's figures: said all the same, refusals included.
     */
    static String leadIn(Properties phase) {
        String accepted = phase.getProperty("leadIn.accepted");
        if (accepted == null) {
            return "";
        }
        return String.format(Locale.ROOT, "; after a lead-in of %s s at that rate, not counted: %s accepted, %s refused",
                phase.getProperty("leadIn.seconds", "?"), accepted, phase.getProperty("leadIn.failed", "0"));
    }

    /** Why a phase's uploads were refused ({@link Refusals}), when any were. */
    static Optional<String> refusals(Properties phase, String prefix, String when) {
        String why = phase.getProperty(prefix + ".refusals");
        return why == null || why.isEmpty() ? Optional.empty() : Optional.of("    refused " + when + ": " + why);
    }

    /** Inserts a row just above the marker line, keeping every earlier row. */
    static void appendRow(Path markdown, String marker, String row) throws IOException {
        String text = Files.readString(markdown, StandardCharsets.UTF_8);
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException(markdown + " has no line " + marker);
        }
        Files.writeString(markdown, text.substring(0, at) + row + "\n" + text.substring(at), StandardCharsets.UTF_8);
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        } else {
            System.err.println("missing " + file + ": that phase did not finish");
        }
        return properties;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
