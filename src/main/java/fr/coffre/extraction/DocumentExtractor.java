package fr.coffre.extraction;

import fr.coffre.document.Identifier;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.tika.io.TikaInputStream;

/**
 * Extracts what the indexing worker needs from one stored document: its real kind (from the bytes:
 * Coffre's sniffing of magic numbers, XML root and namespace, FHIR resourceType, refined by Apache
 * Tika's detection), its text, and the metadata it states (CDA header, FHIR DocumentReference or
 * document Bundle, PDF/office properties).
 *
 * <p>Every extraction runs on a thread of this extractor and is abandoned past
 * {@link ExtractionLimits#parseTimeout()}: the caller's thread never waits longer, the extraction
 * thread is interrupted and its input closed. Hostile or unacceptable content ends in a
 * {@link DocumentContentException} whose {@link DocumentContentException#reason() reason} tells the
 * outcome (QUARANTINED or FAILED, and why). Build one instance and share it: it is thread-safe, and
 * building it sets Apache Tika up (about a second).
 */
public final class DocumentExtractor implements AutoCloseable {

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    private final ExtractionLimits limits;
    private final TikaEngine tika;
    private final FhirPatientReader fhirMetadata;
    private final FhirTextReader fhirText;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger abandonedRunning = new AtomicInteger();

    public DocumentExtractor() {
        this(ExtractionLimits.defaults());
    }

    public DocumentExtractor(ExtractionLimits limits) {
        this(limits, new TikaEngine(limits));
    }

    DocumentExtractor(ExtractionLimits limits, TikaEngine tika) {
        this.limits = limits;
        this.tika = tika;
        this.fhirMetadata = new FhirPatientReader(limits.maxXmlDepth(), limits.maxDocumentBytes());
        this.fhirText = new FhirTextReader(limits.maxXmlDepth(), limits.maxDocumentBytes());
        AtomicInteger threads = new AtomicInteger();
        this.executor =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, "coffre-extraction-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    public ExtractionLimits limits() {
        return limits;
    }

    /**
     * Extracts from a stream (read to its end, into a temporary file, before parsing). The stream is
     * not closed, except when the deadline passes: then it is, to unblock the abandoned read.
     *
     * @throws DocumentContentException        the document cannot be indexed; see its reason
     * @throws IOException                     the stream or the temporary file could not be read: retry
     * @throws ExtractionUnavailableException  too many abandoned parses are still running: retry later
     */
    public ExtractedContent extract(InputStream in) throws IOException {
        return withDeadline(
                () -> {
                    try (Scratch scratch = new Scratch()) {
                        Path file = scratch.spool(
                                in, limits.maxDocumentBytes(), QuarantineReason.TOO_LARGE, "the document");
                        return extractFile(file, scratch);
                    }
                },
                in);
    }

    /**
     * Extracts from a file, which is left in place.
     *
     * @throws DocumentContentException        the document cannot be indexed; see its reason
     * @throws IOException                     the file could not be read, or the parse passed its
     *                                         deadline with little CPU ({@link ExtractionSlowedException}):
     *                                         retry
     * @throws ExtractionUnavailableException  too many abandoned parses are still running: retry later
     */
    public ExtractedContent extract(Path file) throws IOException {
        return withDeadline(
                () -> {
                    try (Scratch scratch = new Scratch()) {
                        return extractFile(file, scratch);
                    }
                },
                null);
    }

    /**
     * Parses with Tika alone, under the same deadline and limits, whatever the kind: for tests of
     * the parser limits on content Coffre would refuse before parsing (archives).
     */
    TikaEngine.Parsed parseWithTika(Path file, TextCollector text) throws IOException {
        return withDeadline(
                () -> {
                    try (TikaInputStream in = TikaInputStream.get(file)) {
                        return tika.parse(in, text, true, null);
                    }
                },
                null);
    }

    /** Extractions past their deadline whose thread has not ended yet. */
    public int abandonedParsesRunning() {
        return abandonedRunning.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private <T> T withDeadline(Callable<T> job, Closeable closeOnTimeout) throws IOException {
        if (abandonedRunning.get() > limits.maxAbandonedParses()) {
            throw new ExtractionUnavailableException(abandonedRunning.get()
                    + " abandoned extractions are still running; no new extraction until they end");
        }
        AtomicInteger state = new AtomicInteger(RUNNING);
        AtomicReference<Thread> runner = new AtomicReference<>();
        Future<T> future;
        try {
            future = executor.submit(() -> {
                runner.set(Thread.currentThread());
                try {
                    return job.call();
                } finally {
                    if (!state.compareAndSet(RUNNING, DONE)) {
                        abandonedRunning.decrementAndGet();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new ExtractionUnavailableException("the extractor is closed");
        }
        try {
            return future.get(limits.parseTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            long cpu = cpuNanos(runner.get());
            abandon(state, future, closeOnTimeout);
            // A file is read locally: a parse that had the CPU for a small part of its deadline was
            // held up by a busy machine, not by its content. Retry it; quarantine only what spent it.
            if (closeOnTimeout == null
                    && cpu >= 0
                    && cpu < limits.parseTimeout().toNanos() / 4) {
                throw new ExtractionSlowedException("the parse had the CPU for " + cpu / 1_000_000 + " ms of its "
                        + limits.parseTimeout().toMillis() + " ms: the machine is too busy; retry");
            }
            throw new DocumentContentException(
                    QuarantineReason.PARSE_TIMEOUT,
                    "extraction took longer than " + limits.parseTimeout().toMillis() + " ms and was abandoned");
        } catch (InterruptedException e) {
            abandon(state, future, closeOnTimeout);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the extraction");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** CPU time the thread has used, or -1 when the JVM cannot tell. */
    private static long cpuNanos(Thread thread) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (thread == null || !threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return -1;
        }
        return threads.getThreadCpuTime(thread.threadId());
    }

    private void abandon(AtomicInteger state, Future<?> future, Closeable closeOnTimeout) {
        if (state.compareAndSet(RUNNING, ABANDONED)) {
            abandonedRunning.incrementAndGet();
        }
        future.cancel(true);
        if (closeOnTimeout != null) {
            try {
                closeOnTimeout.close();
            } catch (IOException | RuntimeException e) {
                // the read it unblocks fails either way
            }
        }
    }

    /** Runs on the extraction thread. */
    private ExtractedContent extractFile(Path file, Scratch scratch) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            throw new DocumentContentException(QuarantineReason.EMPTY, "the document is empty (0 bytes)");
        }
        if (size > limits.maxDocumentBytes()) {
            throw new DocumentContentException(
                    QuarantineReason.TOO_LARGE, "the document is larger than " + limits.maxDocumentBytes() + " bytes");
        }
        TikaEngine.Sniffing sniffing = tika.sniff(file);
        ContentSniffer.Sniffed sniffed = sniffing.sniffed();
        Result result = new Result(sniffing, new TextCollector(limits.maxTextChars()));
        Payloads payloads = new Payloads(scratch, limits, tika, result.text, result.warnings, result.properties);
        switch (sniffed.kind()) {
            case CDA -> cda(file, result, payloads);
            case FHIR_JSON, FHIR_XML -> fhir(file, sniffed.kind() == ContentKind.FHIR_JSON, result, payloads);
            case PDF, OFFICE, RTF, TEXT -> parsedByTika(file, result, true);
            case IMAGE -> parsedByTika(file, result, false);
            case XML -> {
                // Hostile XML gets its own reason (DOCTYPE, depth, encoding...) before the type's.
                try (InputStream in = Files.newInputStream(file);
                        SecureXmlStream xml = SecureXmlStream.open(
                                in, limits.maxXmlDepth(), limits.maxDocumentBytes(), "the XML document")) {
                    xml.drain();
                }
                throw new DocumentContentException(
                        QuarantineReason.UNSUPPORTED_TYPE,
                        "XML documents must be HL7 CDA R2 (ClinicalDocument in urn:hl7-org:v3) or FHIR");
            }
            case JSON ->
                throw new DocumentContentException(
                        QuarantineReason.UNSUPPORTED_TYPE,
                        "JSON documents must be FHIR resources (no resourceType found)");
            default ->
                throw new DocumentContentException(
                        QuarantineReason.UNSUPPORTED_TYPE,
                        "documents of type " + sniffed.mediaType() + " are not indexed");
        }
        return result.build();
    }

    private void cda(Path file, Result result, Payloads payloads) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                SecureXmlStream xml =
                        SecureXmlStream.open(in, limits.maxXmlDepth(), limits.maxDocumentBytes(), "the CDA document")) {
            CdaHeader header = CdaHeaderReader.readHeader(xml);
            CdaBodyReader.Body body = CdaBodyReader.read(xml, result.text, payloads, result.warnings);
            result.properties.put("cda.level", String.valueOf(body.level()));
            result.cdaHeader = header;
            result.uniqueId = header.uniqueId();
            result.patientIds = header.patientIds();
            result.code = header.code();
            result.title = header.title();
            result.effectiveTime = header.effectiveTime();
            result.effectiveDateTime = header.effectiveDateTime();
            result.confidentialityCode = header.confidentialityCode();
            CdaHeader.Author author = header.author();
            if (author != null) {
                result.authorId = author.id();
                String name = String.join(
                        " ",
                        Stream.of(author.givenName(), author.familyName())
                                .filter(Objects::nonNull)
                                .toList());
                result.authorName = name.isEmpty() ? null : name;
                result.authorOrganization = author.organization() == null
                        ? null
                        : author.organization().name();
            }
        }
    }

    private void fhir(Path file, boolean json, Result result, Payloads payloads) throws IOException {
        FhirDocumentInfo info;
        try (InputStream in = Files.newInputStream(file)) {
            info = json ? fhirMetadata.readJson(in) : fhirMetadata.readXml(in);
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (json) {
                fhirText.readJson(in, result.text, payloads);
            } else {
                fhirText.readXml(in, result.text, payloads);
            }
        }
        result.fhirDocument = info;
        result.uniqueId = info.masterIdentifier();
        result.patientIds = info.patientIds();
        result.code = info.type();
        result.title = info.title();
        result.effectiveDateTime = info.date();
        result.effectiveTime = info.date() == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(info.date());
    }

    private void parsedByTika(Path file, Result result, boolean keepText) throws IOException {
        TikaEngine.Parsed parsed;
        try (TikaInputStream in = TikaInputStream.get(file)) {
            parsed = tika.parse(in, result.text, keepText, result.sniffing.certainType());
        }
        result.properties.putAll(parsed.metadata());
        result.warnings.addAll(parsed.warnings());
        result.title = parsed.metadata().get("dc:title");
        result.authorName = parsed.metadata().get("dc:creator");
    }

    /** What one extraction has found so far. */
    private static final class Result {
        final TikaEngine.Sniffing sniffing;
        final ContentSniffer.Sniffed sniffed;
        final TextCollector text;
        final List<String> warnings = new ArrayList<>();
        final Map<String, String> properties = new LinkedHashMap<>();
        String uniqueId;
        List<Identifier> patientIds = List.of();
        CodedValue code;
        String title;
        String effectiveTime;
        OffsetDateTime effectiveDateTime;
        String confidentialityCode;
        Identifier authorId;
        String authorName;
        String authorOrganization;
        CdaHeader cdaHeader;
        FhirDocumentInfo fhirDocument;

        Result(TikaEngine.Sniffing sniffing, TextCollector text) {
            this.sniffing = sniffing;
            this.sniffed = sniffing.sniffed();
            this.text = text;
        }

        ExtractedContent build() {
            String extracted = text.text();
            if (text.truncated()) {
                warnings.add("the text was cut at the limit of " + extracted.length() + " characters");
            }
            if (text.droppedBase64Runs() > 0) {
                warnings.add(text.droppedBase64Runs() + " base64 run(s) were left out of the text");
            }
            return new ExtractedContent(
                    sniffed.kind(),
                    sniffed.mediaType(),
                    sniffing.tikaType(),
                    extracted,
                    text.truncated(),
                    uniqueId,
                    patientIds,
                    code,
                    title,
                    effectiveTime,
                    effectiveDateTime,
                    confidentialityCode,
                    authorId,
                    authorName,
                    authorOrganization,
                    cdaHeader,
                    fhirDocument,
                    properties,
                    warnings);
        }
    }
}
