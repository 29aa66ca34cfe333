package fr.coffre.extraction;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * Extracts in child processes ({@link ExtractionChild}), one document at a time each, so that a
 * parse past its deadline is stopped, not abandoned: the process that runs it ends (by itself at
 * the deadline, or killed a little after it), and the next document gets a new one. A process is
 * reused while its documents end normally, so the Java and Tika start-up is paid rarely.
 *
 * <p>The processes run the same classes as this one: the class path of the running JVM, or, in a
 * packaged Quarkus application, the jars of its {@code lib} and {@code app} folders; and they start
 * from the application's AOT cache for them ({@value #AOT_CACHE}) when it has one.
 */
public final class ForkedExtractor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ForkedExtractor.class.getName());

    /** How long past the deadline the child may take to answer by itself before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(2);

    /** An idle process is ended after this long unused: its memory back, a new one when needed. */
    static final Duration IDLE = Duration.ofMinutes(2);

    /** The processes' own AOT cache, in the packaged application's folder (`./coffre train`). */
    static final String AOT_CACHE = "aot/extraction.aot";

    private static final String AOT_CACHE_FILE = "extraction.aot";
    /** The most the assembly of the processes' AOT cache may take, at the end of a training run. */
    private static final Duration ASSEMBLY = Duration.ofMinutes(5);

    private static final Duration START_UP = Duration.ofSeconds(90);
    private static final int MAX_ANSWER_BYTES = 64 << 20;
    private static final int MAX_NOISE_BYTES = 64 << 10;
    /** How long a retired process has to end on its own before it is killed. */
    private static final Duration RETIRING = Duration.ofSeconds(5);
    /**
     * The same for a process recording its AOT training: its JVM writes what it recorded as it
     * ends, tens of MB, which took more than 5 s on a busy machine.
     */
    private static final Duration RETIRING_RECORDING = Duration.ofMinutes(1);

    private final ExtractionLimits limits;
    private final List<String> command;
    private final Path temporaryFiles;
    private final List<String> javaOptions;
    private final Optional<Path> aotTraining;
    private final Duration retiring;
    // Last in, first out: the work goes to the processes used last, whose JIT has compiled the
    // parsers already; the others stay idle and end.
    private final LinkedBlockingDeque<Child> idle = new LinkedBlockingDeque<>();
    private final Set<Child> children = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchdog;
    private final Semaphore slots;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong stopped = new AtomicLong();
    private volatile String startFailure;
    private volatile boolean closed;

    /** @param javaOptions the child JVM's options (heap, collector), before its class path */
    public ForkedExtractor(ExtractionLimits limits, List<String> javaOptions) {
        this(limits, javaOptions, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param maxProcesses processes alive at most: each holds a JVM's memory (its heap, classes
     *                     and compiled code), so extractions beyond it wait for one to be free
     */
    public ForkedExtractor(ExtractionLimits limits, List<String> javaOptions, int maxProcesses) {
        this(limits, javaOptions, maxProcesses, Optional.empty());
    }

    /**
     * @param aotTraining a training run's folder: the processes record what their JVMs load and
     *                    compile as they end, and {@link #close()} makes their AOT cache of it there
     *                    ({@code extraction.aot}), which a packaged application keeps in its
     *                    {@value #AOT_CACHE}
     */
    public ForkedExtractor(
            ExtractionLimits limits, List<String> javaOptions, int maxProcesses, Optional<Path> aotTraining) {
        this(limits, javaOptions, maxProcesses, aotTraining, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param temporaryFiles where each process gets a directory of its own for its temporary files
     *                       ({@code java.io.tmpdir}), removed when it ends: a process killed at a
     *                       deadline leaves nothing behind
     */
    public ForkedExtractor(
            ExtractionLimits limits,
            List<String> javaOptions,
            int maxProcesses,
            Optional<Path> aotTraining,
            Path temporaryFiles) {
        this.limits = limits;
        this.temporaryFiles = temporaryFiles;
        this.slots = new Semaphore(maxProcesses);
        this.javaOptions = List.copyOf(javaOptions);
        this.aotTraining = aotTraining.map(Path::toAbsolutePath);
        List<String> options = new ArrayList<>(javaOptions);
        this.aotTraining.ifPresent(folder -> {
            options.add("-XX:AOTMode=record");
            // %p: one configuration per process, each written as it ends.
            options.add("-XX:AOTConfiguration=" + folder.resolve("extraction-%p.aotconf"));
        });
        this.command = command(limits, options);
        this.retiring = this.aotTraining.isPresent() ? RETIRING_RECORDING : RETIRING;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "coffre-extraction-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        long every = IDLE.toMillis() / 4;
        watchdog.scheduleWithFixedDelay(() -> endIdle(IDLE), every, every, TimeUnit.MILLISECONDS);
    }

    /** Ends the idle processes unused for {@code idle} or more. */
    void endIdle(Duration idle) {
        long before = System.nanoTime() - idle.toNanos();
        for (Child child : List.copyOf(this.idle)) {
            if (child.lastUsed - before <= 0 && this.idle.remove(child)) {
                retire(child);
                try {
                    watchdog.schedule(
                            () -> child.process.destroyForcibly(), retiring.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    child.process.destroyForcibly(); // closing: no one left to wait
                }
            }
        }
    }

    public ExtractionLimits limits() {
        return limits;
    }

    /**
     * Extracts from a file, which is left in place.
     *
     * @throws DocumentContentException       the document cannot be indexed; see its reason
     *                                        ({@code parse-timeout} when its process was stopped)
     * @throws IOException                    the file could not be read, or the process ended
     *                                        without an answer: retry
     * @throws ExtractionUnavailableException no extraction process could be started: retry later
     */
    public ExtractedContent extract(Path file) throws IOException {
        if (closed) {
            throw new ExtractionUnavailableException("the extractor is closed");
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an extraction process");
        }
        try {
            return extractInAProcess(file);
        } finally {
            slots.release();
        }
    }

    private ExtractedContent extractInAProcess(Path file) throws IOException {
        Child child = idle.pollFirst();
        while (child != null && !child.process.isAlive()) {
            forget(child);
            child = idle.pollFirst();
        }
        if (child == null) {
            child = start();
        }
        running.incrementAndGet();
        boolean reusable = false;
        try {
            ExtractedContent content = child.extract(file.toAbsolutePath());
            reusable = true;
            return content;
        } catch (DocumentContentException e) {
            reusable = e.reason() != QuarantineReason.PARSE_TIMEOUT;
            if (!reusable) {
                stopped.incrementAndGet();
            }
            throw e;
        } finally {
            running.decrementAndGet();
            if (reusable && !closed && child.process.isAlive()) {
                child.lastUsed = System.nanoTime();
                idle.offerFirst(child);
            } else {
                forget(child);
            }
        }
    }

    /** Extractions under way now. */
    public int running() {
        return running.get();
    }

    /** Extractions stopped at their deadline, their process ended, since start. */
    public long stopped() {
        return stopped.get();
    }

    /** Child processes alive, busy or idle. */
    public int processes() {
        return (int) children.stream().filter(c -> c.process.isAlive()).count();
    }

    /** The child processes, busy or idle. */
    List<ProcessHandle> processHandles() {
        return children.stream().map(c -> c.process.toHandle()).toList();
    }

    /** Why the last extraction process could not start; null once one has. */
    public String startFailure() {
        return startFailure;
    }

    @Override
    public void close() {
        closed = true;
        List<Child> idleNow = List.copyOf(idle);
        idleNow.forEach(this::retire);
        long deadline = System.nanoTime() + retiring.toNanos();
        for (Child child : idleNow) {
            try {
                child.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        idleNow.forEach(child -> child.process.destroyForcibly());
        children.forEach(this::forget);
        watchdog.shutdownNow();
        aotTraining.ifPresent(this::makeAotCache);
    }

    /**
     * The processes' AOT cache, made in the training's folder from the largest configuration they
     * recorded (the process that did the most), with their options and jars: about a minute.
     */
    private void makeAotCache(Path folder) {
        try {
            List<Path> recorded;
            try (Stream<Path> files = Files.list(folder)) {
                recorded = files.filter(file -> file.getFileName().toString().matches("extraction-.*\\.aotconf"))
                        .toList();
            }
            Optional<Path> largest = recorded.stream().max(Comparator.comparingLong(ForkedExtractor::size));
            if (largest.isPresent() && size(largest.get()) > 0) {
                List<String> create = new ArrayList<>();
                create.add(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
                create.addAll(javaOptions);
                create.add("-XX:AOTMode=create");
                create.add("-XX:AOTConfiguration=" + largest.get());
                create.add("-XX:AOTCache=" + folder.resolve(AOT_CACHE_FILE));
                create.add("-cp");
                create.add(classPath());
                Process assembly = new ProcessBuilder(create)
                        .redirectErrorStream(true)
                        .redirectOutput(folder.resolve("extraction-aot.log").toFile())
                        .start();
                if (!assembly.waitFor(ASSEMBLY.toMillis(), TimeUnit.MILLISECONDS)) {
                    assembly.destroyForcibly();
                }
            }
            for (Path configuration : recorded) {
                Files.deleteIfExists(configuration);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the extraction processes' AOT cache could not be made in " + folder, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path directory) {
        if (directory != null) {
            try {
                PathUtils.deleteDirectory(directory);
            } catch (NoSuchFileException e) {
                // Removed already, with the instance's own directory as it stopped.
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not remove " + directory + ": " + e);
            }
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Closes an idle process's input, and it ends on its own: a flight recording or anything else
     * its JVM does at exit gets done, which a kill would prevent.
     */
    private void retire(Child child) {
        children.remove(child);
        try {
            child.out.close();
        } catch (IOException e) {
            child.process.destroyForcibly(); // its input is gone already: nothing to wait for
        }
    }

    private Child start() {
        Process process;
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(temporaryFiles, "coffre-extraction-");
            List<String> own = new ArrayList<>(command);
            own.add(own.indexOf("-cp"), "-Djava.io.tmpdir=" + scratch);
            process = new ProcessBuilder(own)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            delete(scratch);
            startFailure = "the extraction process could not start: " + e.getMessage();
            throw new ExtractionUnavailableException(startFailure);
        }
        Path ownScratch = scratch;
        process.onExit().whenComplete((ended, failure) -> delete(ownScratch));
        Child child = new Child(process);
        children.add(child);
        if (closed) {
            forget(child);
            throw new ExtractionUnavailableException("the extractor is closed");
        }
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> kill = watchdog.schedule(
                () -> {
                    late.set(true);
                    process.destroyForcibly();
                },
                START_UP.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            awaitReady(child.in, process);
        } catch (IOException e) {
            forget(child);
            startFailure = "the extraction process did not start"
                    + (late.get() ? " within " + START_UP.toSeconds() + " s" : ": " + e.getMessage());
            throw new ExtractionUnavailableException(startFailure);
        } finally {
            kill.cancel(false);
        }
        startFailure = null;
        return child;
    }

    private static void awaitReady(InputStream in, Process process) throws IOException {
        byte[] ready = ExtractionChild.READY;
        int matched = 0;
        for (int read = 0; matched < ready.length; read++) {
            if (read > MAX_NOISE_BYTES) {
                throw new IOException("it wrote more than " + MAX_NOISE_BYTES + " bytes to its standard output"
                        + " before it was ready: does one of its Java options log to stdout?");
            }
            int b = in.read();
            if (b == -1) {
                throw new EOFException("exit status " + exitStatus(process));
            }
            matched = b == ready[matched] ? matched + 1 : b == ready[0] ? 1 : 0;
        }
    }

    private void forget(Child child) {
        children.remove(child);
        child.process.destroyForcibly();
    }

    private static String exitStatus(Process process) {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private final class Child {
        final Process process;
        final DataInputStream in;
        final DataOutputStream out;
        volatile long lastUsed = System.nanoTime();

        Child(Process process) {
            this.process = process;
            this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
            this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        }

        ExtractedContent extract(Path file) throws IOException {
            AtomicBoolean killed = new AtomicBoolean();
            ScheduledFuture<?> kill = watchdog.schedule(
                    () -> {
                        killed.set(true);
                        process.destroyForcibly();
                    },
                    limits.parseTimeout().plus(GRACE).toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                out.writeUTF(file.toString());
                out.flush();
                int status = in.read();
                switch (status) {
                    case ExtractionChild.EXTRACTED -> {
                        int length = in.readInt();
                        if (length < 0 || length > MAX_ANSWER_BYTES) {
                            throw new IOException("the extraction process answered " + length + " bytes");
                        }
                        return ExtractedContentCodec.decode(in.readNBytes(length));
                    }
                    case ExtractionChild.REFUSED -> {
                        QuarantineReason reason = QuarantineReason.valueOf(in.readUTF());
                        String message = in.readUTF();
                        if (reason == QuarantineReason.PARSE_TIMEOUT) {
                            message += "; its process was stopped";
                        }
                        throw new DocumentContentException(reason, message);
                    }
                    case ExtractionChild.FAILED -> throw new IOException(in.readUTF());
                    default -> throw new EOFException("exit status " + exitStatus(process));
                }
            } catch (IOException e) {
                if (killed.get()) {
                    throw new DocumentContentException(
                            QuarantineReason.PARSE_TIMEOUT,
                            "extraction took longer than "
                                    + limits.parseTimeout().toMillis() + " ms and its process was stopped");
                }
                if (!process.isAlive()) {
                    throw new IOException("the extraction process ended without an answer: " + e.getMessage(), e);
                }
                throw e;
            } finally {
                kill.cancel(false);
            }
        }
    }

    private static List<String> command(ExtractionLimits limits, List<String> javaOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Standard output carries the protocol: the JVM's own messages (a flight recording's
        // start, warnings) go to stderr, before the configured options so they can still add logs.
        command.add("-Xlog:disable");
        command.add("-Xlog:all=warning:stderr");
        // The libraries log as they do here; ExtractionChild then keeps only their warnings.
        String logManager = System.getProperty("java.util.logging.manager");
        if (logManager != null) {
            command.add("-Djava.util.logging.manager=" + logManager);
        }
        command.addAll(javaOptions);
        packagedApplication().ifPresent(app -> command.addAll(aotCache(app, javaOptions)));
        command.add("-cp"); // each process's own java.io.tmpdir goes before it
        command.add(classPath());
        command.add(ExtractionChild.class.getName());
        command.add(String.valueOf(limits.maxDocumentBytes()));
        command.add(String.valueOf(limits.maxTextChars()));
        command.add(String.valueOf(limits.parseTimeout().toMillis()));
        command.add(String.valueOf(limits.maxXmlDepth()));
        command.add(String.valueOf(limits.maxEmbeddedDepth()));
        command.add(String.valueOf(limits.maxEmbeddedDocuments()));
        command.add(String.valueOf(limits.maxEmbeddedBytes()));
        return command;
    }

    /**
     * {@code -XX:AOTCache} of {@code app}'s cache for these processes, when there is one and the
     * options choose no AOT mode of their own (a training run records with
     * {@code -XX:AOTMode=record}, which refuses a cache). A cache made from other jars is refused
     * by the JVM, which then starts without it.
     */
    static List<String> aotCache(Path app, List<String> javaOptions) {
        Path cache = app.resolve(AOT_CACHE);
        if (javaOptions.stream().anyMatch(option -> option.startsWith("-XX:AOT")) || !Files.isRegularFile(cache)) {
            return List.of();
        }
        return List.of("-XX:AOTCache=" + cache);
    }

    /** This JVM's class path, or the jars of the packaged Quarkus application it was started from. */
    static String classPath() {
        return packagedApplication().map(ForkedExtractor::jarsOf).orElse(System.getProperty("java.class.path"));
    }

    /** The folder of the quarkus-run.jar this JVM was started from, if it was. */
    private static Optional<Path> packagedApplication() {
        String own = System.getProperty("java.class.path");
        Path runner = Path.of(own);
        if (own.endsWith("quarkus-run.jar") && Files.isRegularFile(runner)) {
            return Optional.of(runner.toAbsolutePath().getParent());
        }
        return Optional.empty();
    }

    /**
     * The jars of {@code app}'s {@code lib/boot}, {@code lib/main} and {@code app} folders, each
     * folder's by name: an AOT cache holds the class path it was made with, and a wildcard's
     * expansion follows the order in which the directory lists its files, which a copy may change.
     */
    static String jarsOf(Path app) {
        List<String> jars = new ArrayList<>();
        for (String folder : List.of("lib/boot", "lib/main", "app")) {
            try (Stream<Path> files = Files.list(app.resolve(folder))) {
                files.filter(file -> file.getFileName().toString().endsWith(".jar"))
                        .map(Path::toString)
                        .sorted()
                        .forEach(jars::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the application's " + folder, e);
            }
        }
        return String.join(File.pathSeparator, jars);
    }
}
