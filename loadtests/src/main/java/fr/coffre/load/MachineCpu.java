package fr.coffre.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the machine's CPU goes while the bench runs: every half second, the machine's busy and
 * total clock ticks (/proc/stat) and those of each named process with everything under it (the
 * PostgreSQL backends under the postmaster, the extraction processes under the worker), written as
 * one line of a TSV file. The bench reads it over the ceiling and the saturation, so that the ratio
 * of the two can be explained process by process rather than guessed at.
 *
 * <p>Settings: {@code cpu.samples} (the file), {@code cpu.processes} ({@code name=pid,...}; a pid of
 * 0 or a blank one is a column of zeros). Runs until it is killed.
 */
public final class MachineCpu {

    /** One line: when, the machine's busy and total ticks, then each named process's ticks. */
    record Sample(long millis, long busy, long total, long[] processes) {}

    /** What each column used between two samples, in ticks. */
    record Usage(double seconds, long busy, long total, Map<String, Long> processes) {
        long named() {
            return processes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private MachineCpu() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(Settings.string("cpu.samples", "cpu-samples.tsv"));
        Map<String, Long> roots = roots(Settings.string("cpu.processes", ""));
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("millis\tbusy\ttotal\t" + String.join("\t", roots.keySet()) + "\n");
            while (true) {
                long[] machine = machineTicks(Files.readAllLines(Path.of("/proc/stat")).get(0));
                Map<String, Long> ticks = treeTicks(processes(), roots);
                StringBuilder line = new StringBuilder()
                        .append(System.currentTimeMillis()).append('\t')
                        .append(machine[0]).append('\t').append(machine[1]);
                roots.keySet().forEach(name -> line.append('\t').append(ticks.get(name)));
                out.write(line.append('\n').toString());
                out.flush();
                Thread.sleep(500);
            }
        }
    }

    /** {@code api=12,worker=0,...} in the order given. */
    static Map<String, Long> roots(String spec) {
        Map<String, Long> roots = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] pair = entry.split("=", 2);
            String pid = pair.length == 2 ? pair[1].trim() : "";
            roots.put(pair[0].trim(), pid.isEmpty() ? 0L : Long.parseLong(pid));
        }
        return roots;
    }

    /** Busy (user, nice, system, irq, softirq, steal) and total ticks, from /proc/stat's first line. */
    static long[] machineTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]);
        long irq = Long.parseLong(f[6]), softirq = Long.parseLong(f[7]), steal = Long.parseLong(f[8]);
        long busy = user + nice + system + irq + softirq + steal;
        return new long[] {busy, busy + idle + iowait};
    }

    /** Every process now: pid → {parent pid, utime + stime + cutime + cstime}. */
    static Map<Long, long[]> processes() throws IOException {
        Map<Long, long[]> all = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    long[] parsed = stat(Files.readString(dir.resolve("stat")));
                    all.put(Long.parseLong(dir.getFileName().toString()), parsed);
                } catch (IOException e) {
                    // ended meanwhile: its ticks are in its parent's cutime and cstime now
                }
            }
        }
        return all;
    }

    /** {parent pid, utime + stime + cutime + cstime} of one /proc/PID/stat line. */
    static long[] stat(String line) {
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new long[] {Long.parseLong(f[1]), ticks};
    }

    /**
     * The ticks of each root and of every process under it. A process that ended counts once, in
     * its parent's cutime + cstime, so summing the whole tree's four fields counts everything once.
     */
    static Map<String, Long> treeTicks(Map<Long, long[]> processes, Map<String, Long> roots) {
        Map<Long, List<Long>> children = new HashMap<>();
        processes.forEach((pid, p) -> children.computeIfAbsent(p[0], k -> new ArrayList<>()).add(pid));
        Map<String, Long> ticks = new LinkedHashMap<>();
        roots.forEach((name, root) -> {
            long sum = 0;
            if (root > 0 && processes.containsKey(root)) {
                List<Long> pending = new ArrayList<>(List.of(root));
                while (!pending.isEmpty()) {
                    long pid = pending.remove(pending.size() - 1);
                    sum += processes.get(pid)[1];
                    pending.addAll(children.getOrDefault(pid, List.of()));
                }
            }
            ticks.put(name, sum);
        });
        return ticks;
    }

    /** The samples of a file written by {@link #main}, and the names of its process columns. */
    static List<Sample> read(List<String> lines, List<String> names) {
        String[] header = lines.get(0).split("\t");
        for (int i = 3; i < header.length; i++) {
            names.add(header[i]);
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            if (f.length != header.length) {
                continue; // the last line, cut when the sampler was stopped
            }
            long[] processes = new long[f.length - 3];
            for (int i = 3; i < f.length; i++) {
                processes[i - 3] = Long.parseLong(f[i]);
            }
            samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), processes));
        }
        return samples;
    }

    /**
     * What was used from the last sample at or before {@code from} to the first at or after
     * {@code to}: a little wider than the phase, never narrower; null when the samples do not
     * cover it.
     */
    static Usage between(List<Sample> samples, List<String> names, long from, long to) {
        Sample first = null;
        Sample last = null;
        for (Sample s : samples) {
            if (s.millis() <= from) {
                first = s;
            }
            if (s.millis() >= to && last == null) {
                last = s;
            }
        }
        if (first == null || last == null) {
            return null;
        }
        Map<String, Long> processes = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            processes.put(names.get(i), last.processes()[i] - first.processes()[i]);
        }
        return new Usage(
                (last.millis() - first.millis()) / 1000.0,
                last.busy() - first.busy(),
                last.total() - first.total(),
                processes);
    }

    /**
     * One line of the report: milliseconds of CPU per document for each process that used any,
     * then the rest of the machine's busy time (the load generator, the OS) and how idle it was.
     */
    static String perDocument(Usage usage, long documents, long clkTck) {
        if (usage == null || documents <= 0) {
            return "not sampled";
        }
        StringBuilder line = new StringBuilder();
        double msPerTick = 1000.0 / clkTck;
        usage.processes().forEach((name, ticks) -> {
            if (ticks > 0) {
                line.append(String.format("%s %.1f, ", name, ticks * msPerTick / documents));
            }
        });
        long rest = Math.max(0, usage.busy() - usage.named());
        line.append(String.format(
                "the rest (load generator, system) %.1f; total %.1f ms per document; machine %.0f %% idle",
                rest * msPerTick / documents,
                usage.busy() * msPerTick / documents,
                usage.total() > 0 ? 100.0 * (usage.total() - usage.busy()) / usage.total() : 0));
        return line.toString();
    }
}
