package fr.coffre.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * <p>System properties: bench.out, run.id, gatling.report (the report folder), service.pid,
 * cpu.start.ticks, clk.tck (100), drain.seconds (60), record, commit, machine.
 * PostgreSQL from COFFRE_PG_HOST, COFFRE_PG_PORT, COFFRE_PG_DB, COFFRE_PG_USER, COFFRE_PG_PASSWORD.
 */
public final class BenchReport {

    static final String ROWS_END = "<!-- ./coffre bench adds its rows above this line -->";
    static final String LARGE_ROWS_END = "<!-- ./coffre bench --large-document adds its rows above this line -->";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(Settings.string("bench.out", "target/bench/" + Settings.runId()));
        String prefix = Settings.runId() + "-bench-";
        Properties ceiling = load(out.resolve("ceiling.properties"));
        Properties acceptance = load(out.resolve("acceptance.properties"));

        // (3) end to end, after the backlog of this run has drained (or the wait is over)
        EndToEnd e2e;
        try (Connection db = connect()) {
            long deadline = System.currentTimeMillis() + 1000L * Settings.integer("drain.seconds", 60);
            e2e = endToEnd(db, prefix);
            while (e2e.pending > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(2000);
                e2e = endToEnd(db, prefix);
            }
        }

        // (4) the service process
        String pid = Settings.string("service.pid", "");
        long clkTck = Settings.integer("clk.tck", 100);
        double cpuSeconds = Double.NaN;
        long peakRssKb = -1;
        if (!pid.isBlank() && Files.exists(Path.of("/proc", pid))) {
            long startTicks = Long.parseLong(Settings.string("cpu.start.ticks", "0"));
            cpuSeconds = (cpuTicks(pid) - startTicks) / (double) clkTck;
            peakRssKb = statusKb(pid, "VmHWM");
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

        long[] saturation = percentiles(acceptance, "saturation", "upload (saturation)");
        long[] fixedRate = percentiles(acceptance, "latency", "upload (fixed rate)");
        double ratio = ceilingRate > 0 ? acceptRate / ceilingRate : 0;
        long documents = accepted + latencyAccepted;
        double cpuPerDocument = documents > 0 ? cpuSeconds / documents : Double.NaN;
        String concurrency = acceptance.getProperty("concurrency", "?");
        String latencyRate = trim(Double.parseDouble(acceptance.getProperty("latency.rate", "0")));

        List<String> lines = new ArrayList<>();
        lines.add("run " + Settings.runId() + " (documents " + prefix + "*), concurrency " + concurrency);
        lines.add(String.format(Locale.ROOT, "(1) ceiling, PUT to S3:        %7.1f docs/s  %7.1f MB/s  p50 %s p95 %s p99 %s ms  (%d objects in %.0f s, %s failed)",
                ceilingRate, ceilingMBs, ceiling.getProperty("p50"), ceiling.getProperty("p95"), ceiling.getProperty("p99"),
                ceilingObjects, ceilingSeconds, ceiling.getProperty("failures", "0")));
        lines.add(String.format(Locale.ROOT, "(2) acceptance through Coffre: %7.1f docs/s  %7.1f MB/s  p50 %d p95 %d p99 %d ms  (%d accepted in %.0f s, %d failed)",
                acceptRate, acceptMBs, saturation[0], saturation[1], saturation[2], accepted, acceptSeconds, failed));
        lines.add(String.format(Locale.ROOT, "    at %s docs/s (open model):  p50 %d p95 %d p99 %d ms  (%d accepted, %d failed)",
                latencyRate, fixedRate[0], fixedRate[1], fixedRate[2], latencyAccepted, latencyFailed));
        lines.add(String.format(Locale.ROOT, "    ratio acceptance / ceiling: %.2f", ratio));
        lines.add(String.format(Locale.ROOT, "(3) end to end: %d INDEXED of %d (%d still STORED, %d quarantined or failed): %.1f docs/s sustained; lag p50 %.2f s, p99 %.2f s, max %.2f s",
                e2e.indexed, e2e.total, e2e.pending, e2e.refused, e2e.indexedRate(), e2e.lagP50, e2e.lagP99, e2e.lagMax));
        lines.add(String.format(Locale.ROOT, "(4) service: peak RSS %s, CPU %.3f s per document (%.1f s for %d documents)",
                peakRssKb < 0 ? "n/a" : Sizes.human(peakRssKb * 1024), cpuPerDocument, cpuSeconds, documents));
        lines.forEach(System.out::println);

        String row = String.format(Locale.ROOT,
                "| %s | %s | %s | %s | %.1f (%.1f MB/s) | %.1f (%.1f MB/s) | %.2f | %d / %d / %d | %s | %d | %.1f | %.1f / %.1f | %s | %s |",
                LocalDate.now(), Settings.string("commit", "?"), Settings.string("machine", "?"), concurrency,
                ceilingRate, ceilingMBs, acceptRate, acceptMBs, ratio, saturation[0], saturation[1], saturation[2],
                fixedRate[2] + " ms at " + latencyRate + "/s", failed + latencyFailed, e2e.indexedRate(), e2e.lagP50, e2e.lagP99,
                peakRssKb < 0 ? "n/a" : Sizes.human(peakRssKb * 1024),
                Double.isNaN(cpuPerDocument) ? "n/a" : String.format(Locale.ROOT, "%.3f", cpuPerDocument));
        System.out.println();
        System.out.println(row);
        String record = Settings.string("record", "");
        if (!record.isBlank()) {
            appendRow(Path.of(record), ROWS_END, row);
            System.out.println("row added to " + record);
        }
    }

    /** p50, p95, p99 in ms: Gatling's, from its report; the simulation's own if the report cannot be read. */
    private static long[] percentiles(Properties acceptance, String phase, String requestName) throws IOException {
        String report = Settings.string("gatling.report", "");
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

    record EndToEnd(long total, long indexed, long pending, long refused, double spanSeconds, double lagP50,
            double lagP99, double lagMax) {
        double indexedRate() {
            return spanSeconds > 0 ? indexed / spanSeconds : 0;
        }
    }

    static EndToEnd endToEnd(Connection db, String prefix) throws SQLException {
        String sql = """
                SELECT count(*),
                       count(*) FILTER (WHERE status = 'INDEXED'),
                       count(*) FILTER (WHERE status = 'STORED'),
                       count(*) FILTER (WHERE status IN ('QUARANTINED', 'FAILED')),
                       extract(epoch FROM max(updated_at) FILTER (WHERE status = 'INDEXED') - min(received_at)),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at))
                           FILTER (WHERE status = 'INDEXED'),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at))
                           FILTER (WHERE status = 'INDEXED'),
                       max(extract(epoch FROM updated_at - received_at)) FILTER (WHERE status = 'INDEXED')
                FROM document
                WHERE left(split_part(unique_id, '^', 2), length(?)) = ?
                """;
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setString(1, prefix);
            statement.setString(2, prefix);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new EndToEnd(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8));
            }
        }
    }

    static Connection connect() throws SQLException {
        String url = "jdbc:postgresql://" + StorageCeiling.env("COFFRE_PG_HOST", "127.0.0.1") + ":"
                + StorageCeiling.env("COFFRE_PG_PORT", "55432") + "/" + StorageCeiling.env("COFFRE_PG_DB", "coffre");
        return DriverManager.getConnection(url, StorageCeiling.env("COFFRE_PG_USER", "coffre"),
                StorageCeiling.env("COFFRE_PG_PASSWORD", "coffre-local"));
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
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
