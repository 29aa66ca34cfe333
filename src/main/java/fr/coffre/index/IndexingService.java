package fr.coffre.index;

import fr.coffre.blocking.Await;
import fr.coffre.document.Code;
import fr.coffre.document.Document;
import fr.coffre.document.DocumentRepository;
import fr.coffre.document.DocumentStatus;
import fr.coffre.extraction.CodedValue;
import fr.coffre.extraction.ConsistencyCheck;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.DocumentContentException;
import fr.coffre.extraction.ExtractedContent;
import fr.coffre.extraction.NewFileOutput;
import fr.coffre.extraction.QuarantineReason;
import fr.coffre.observability.LogSafe;
import fr.coffre.scratch.ScratchDirectory;
import fr.coffre.storage.DocumentObjectStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The asynchronous half of the pipeline for one document: reads its bytes back from the store,
 * extracts its real type, text and metadata under limits, checks them against what the producer
 * declared, and ends it INDEXED, QUARANTINED or FAILED. Blocking: runs on a worker thread.
 */
@ApplicationScoped
public class IndexingService {

    private static final Logger LOG = Logger.getLogger(IndexingService.class);
    private static final String UNKNOWN_KIND = ContentKind.UNKNOWN.name();
    private static final Duration[] EXTRACTION_BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };

    public enum Result {
        INDEXED,
        QUARANTINED,
        FAILED,
        ALREADY_DONE
    }

    private final DocumentRepository documents;
    private final DocumentObjectStore store;
    private final DocumentExtractorHolder extractor;
    private final IndexRepository index;
    private final MeterRegistry registry;
    private final ScratchDirectory scratch;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final Await await;

    public IndexingService(
            DocumentRepository documents,
            DocumentObjectStore store,
            DocumentExtractorHolder extractor,
            IndexRepository index,
            MeterRegistry registry,
            ScratchDirectory scratch,
            Await await) {
        this.await = await;
        this.scratch = scratch;
        this.documents = documents;
        this.store = store;
        this.extractor = extractor;
        this.index = index;
        this.registry = registry;
        Gauge.builder("coffre.indexing.in.progress", inProgress, AtomicInteger::get)
                .description("Documents this instance's workers are reading, parsing or indexing now")
                .register(registry);
        Gauge.builder(
                        "coffre.extraction.running",
                        extractor,
                        holder -> holder.extractor().running())
                .description("Extractions under way in this instance's extraction processes")
                .register(registry);
        Gauge.builder(
                        "coffre.extraction.processes",
                        extractor,
                        holder -> holder.extractor().processes())
                .description("Extraction processes alive, busy or idle")
                .register(registry);
        FunctionCounter.builder(
                        "coffre.extraction.stopped",
                        extractor,
                        holder -> holder.extractor().stopped())
                .description("Extractions stopped at their deadline, with their process")
                .register(registry);
    }

    public Result index(UUID documentId) throws TransientIndexingException {
        inProgress.incrementAndGet();
        try {
            return indexNow(documentId);
        } finally {
            inProgress.decrementAndGet();
        }
    }

    private Result indexNow(UUID documentId) throws TransientIndexingException {
        Optional<Document> found;
        try {
            found = await(documents.findById(documentId));
        } catch (RuntimeException e) {
            throw new TransientIndexingException("the database could not be read", e);
        }
        if (found.isEmpty() || found.get().status() != DocumentStatus.STORED) {
            return Result.ALREADY_DONE; // erased, or concluded by an earlier delivery of the same event
        }
        Document document = found.get();

        ExtractedContent content;
        Path local = download(document);
        long started = System.nanoTime();
        try {
            // The parse deadline starts once the bytes are here: slow storage is a retry, never a parse bomb.
            content = extractor.extractor().extract(local);
            extractionTime(content.kind().name(), "extracted", started);
        } catch (DocumentContentException e) {
            QuarantineReason reason = e.reason();
            String why = reason == null ? "invalid-content" : reason.code();
            extractionTime(UNKNOWN_KIND, "refused", started);
            DocumentStatus status = reason == null ? DocumentStatus.QUARANTINED : reason.status();
            return setAside(document, status, why, why + ": " + e.getMessage());
        } catch (Exception e) {
            extractionTime(UNKNOWN_KIND, "error", started);
            // The reason is logged and sent with the retry: no exception message, which may quote the document.
            throw new TransientIndexingException("the document could not be parsed now: " + LogSafe.describe(e), e);
        } finally {
            delete(local);
        }

        Code type = document.entry().typeCode();
        ConsistencyCheck.Report report = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(
                        document.patient(),
                        new CodedValue(type.code(), type.system(), type.display()),
                        document.mediaType()),
                content);
        if (report.quarantine().isPresent()) {
            QuarantineReason reason = report.quarantine().get();
            return setAside(document, reason.status(), reason.code(), reason.code() + ": " + report.detail());
        }
        boolean typeMismatch = report.typeCodeDiffers() || report.mediaTypeDiffers();
        String note = typeMismatch ? "type-mismatch: " + report.detail() : null;
        try {
            return await(index.index(document, content, note, typeMismatch)) ? Result.INDEXED : Result.ALREADY_DONE;
        } catch (RuntimeException e) {
            throw new TransientIndexingException("the index entry could not be written", e);
        }
    }

    /** After the last retry: the document is FAILED with the reason, if the database can take it now. */
    public void fail(UUID documentId, String reason) {
        try {
            Optional<Document> found = await(documents.findById(documentId));
            if (found.isPresent()) {
                await(index.setAside(found.get(), DocumentStatus.FAILED, reason));
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Document %s is dead-lettered but could not be marked FAILED: %s", documentId, LogSafe.describe(e));
        }
    }

    // The reason may name identifiers from the document: it goes to the database, only its code to the log.
    private Result setAside(Document document, DocumentStatus status, String code, String reason)
            throws TransientIndexingException {
        try {
            if (!await(index.setAside(document, status, reason))) {
                return Result.ALREADY_DONE;
            }
        } catch (RuntimeException e) {
            throw new TransientIndexingException("the status could not be written", e);
        }
        LOG.infof("Document %s set aside as %s: %s", document.id(), status, code);
        return status == DocumentStatus.FAILED ? Result.FAILED : Result.QUARANTINED;
    }

    /**
     * {@code coffre_extraction_duration_seconds{kind, outcome}}: reading a document back from the
     * store and extracting it, by the kind its bytes turned out to be ({@code UNKNOWN} when
     * extraction did not get that far) and {@code extracted}, {@code refused} (quarantined or
     * failed for its content) or {@code error} (to be retried).
     */
    private void extractionTime(String kind, String outcome, long startedNanos) {
        Timer.builder("coffre.extraction.duration")
                .description("Time to read back and extract one document")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .serviceLevelObjectives(EXTRACTION_BUCKETS)
                .register(registry)
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** The object's bytes in a local file; a storage that fails or is too slow makes this a retry. */
    private Path download(Document document) throws TransientIndexingException {
        Path local = null;
        try {
            local = scratch.newFile("coffre-index-");
            // Into the file made for it: Files.copy replacing it would make a new one, readable by all under umask 022.
            try (InputStream bytes = store.open(document.objectKey());
                    OutputStream out = NewFileOutput.open(local)) {
                bytes.transferTo(out);
            }
            return local;
        } catch (Exception e) {
            delete(local);
            throw new TransientIndexingException(
                    "the document could not be read from storage now: " + LogSafe.describe(e), e);
        }
    }

    private static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Could not delete the temporary file %s: %s", file, LogSafe.describe(e));
        }
    }

    private <T> T await(Uni<T> uni) {
        return await.result(uni);
    }
}
