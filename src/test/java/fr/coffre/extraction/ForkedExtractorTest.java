package fr.coffre.extraction;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction in child processes: the same result, and a parse past its deadline really stops. */
class ForkedExtractorTest {

    static final List<String> JAVA_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError");
    static final ForkedExtractor FORKED = new ForkedExtractor(ExtractionLimits.defaults(), JAVA_OPTIONS);

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        FORKED.close();
    }

    @Test
    void extractsWhatTheExtractorExtractsInProcess() throws IOException {
        for (String file : List.of(
                "cda/LDL-SES_2022.01.xml",
                "cda/BIO-CR-BIO_2024.01_TSH_1.xml",
                "fhir/Bundle-example-annexe-fhir-document.json",
                "fhir/DocumentReference-example-td3-1a-cr-consultation.xml",
                "pdf/TLM-CR_rendition.pdf",
                "img/FOP_fop.jpg")) {
            assertEquals(
                    DocumentExtractorCorpusTest.EXTRACTOR.extract(Corpus.file(file)),
                    FORKED.extract(Corpus.file(file)),
                    file);
        }
        assertEquals(1, FORKED.processes(), "one process served them all, one after the other");
    }

    @Test
    void aRefusedDocumentGetsItsReasonAndLeavesTheProcessInUse() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.pdf"));
        DocumentContentException e = assertThrows(DocumentContentException.class, () -> FORKED.extract(empty));
        assertEquals(QuarantineReason.EMPTY, e.reason());
        assertTrue(
                FORKED.extract(Corpus.file("pdf/TLM-CR_rendition.pdf")).text().length() > 100);
    }

    @Test
    void extractionsBeyondTheProcessCapWaitForAFreeProcess() throws Exception {
        try (ForkedExtractor one = new ForkedExtractor(ExtractionLimits.defaults(), JAVA_OPTIONS, 1);
                ExecutorService callers = Executors.newFixedThreadPool(3)) {
            List<Future<ExtractedContent>> extractions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                extractions.add(callers.submit(() -> one.extract(Corpus.file("pdf/TLM-CR_rendition.pdf"))));
            }
            for (Future<ExtractedContent> extraction : extractions) {
                assertTrue(extraction.get().text().length() > 100);
            }
            assertEquals(1, one.processes(), "three extractions at once, one process");
        }
    }

    @Test
    void aProcessCanBeProfiledAndItsRecordingIsWrittenWhenTheExtractorCloses() throws IOException {
        Path recording = tmp.resolve("child.jfr");
        List<String> options = new ArrayList<>(JAVA_OPTIONS);
        options.add("-XX:StartFlightRecording=filename=" + recording);
        try (ForkedExtractor profiled = new ForkedExtractor(ExtractionLimits.defaults(), options)) {
            assertTrue(profiled.extract(Corpus.file("cda/LDL-SES_2022.01.xml"))
                            .text()
                            .length()
                    > 100);
        }
        assertTrue(
                Files.size(recording) > 0,
                "the idle process ended on its own when its input closed, and wrote its recording");
    }

    @Test
    void theProcessesStartFromTheApplicationsCacheForThemUnlessTheirOptionsChooseAnAotMode() throws IOException {
        Path app = tmp.resolve("quarkus-app");
        assertEquals(List.of(), ForkedExtractor.aotCache(app, JAVA_OPTIONS), "no cache: nothing to start from");

        Path cache = app.resolve(ForkedExtractor.AOT_CACHE);
        Files.createDirectories(cache.getParent());
        Files.write(cache, new byte[] {1});
        assertEquals(List.of("-XX:AOTCache=" + cache), ForkedExtractor.aotCache(app, JAVA_OPTIONS));

        List<String> recording = new ArrayList<>(JAVA_OPTIONS);
        recording.add("-XX:AOTMode=record");
        assertEquals(List.of(), ForkedExtractor.aotCache(app, recording), "a training run records, with no cache");
    }

    @Test
    void thePackagedApplicationsJarsAreListedInAnOrderThatDoesNotDependOnTheDirectory() throws IOException {
        Path app = tmp.resolve("quarkus-app");
        for (String jar : List.of(
                "app/coffre.jar", "lib/main/z.jar", "lib/main/a.jar", "lib/boot/runner.jar", "lib/main/README")) {
            Files.createDirectories(app.resolve(jar).getParent());
            Files.write(app.resolve(jar), new byte[] {1});
        }

        assertEquals(
                String.join(
                        File.pathSeparator,
                        app.resolve("lib/boot/runner.jar").toString(),
                        app.resolve("lib/main/a.jar").toString(),
                        app.resolve("lib/main/z.jar").toString(),
                        app.resolve("app/coffre.jar").toString()),
                ForkedExtractor.jarsOf(app));
    }

    @Test
    void anIdleProcessEndsAndTheNextDocumentStartsANewOne() throws IOException {
        try (ForkedExtractor extractor = new ForkedExtractor(ExtractionLimits.defaults(), JAVA_OPTIONS)) {
            extractor.extract(Corpus.file("cda/LDL-SES_2022.01.xml"));
            ProcessHandle first = extractor.processHandles().getFirst();
            extractor.endIdle(Duration.ofHours(1));
            assertEquals(1, extractor.processes(), "used just now: kept");

            extractor.endIdle(Duration.ZERO);
            assertEquals(0, extractor.processes());
            await("the idle process has ended").atMost(Duration.ofSeconds(10)).until(() -> !first.isAlive());
            assertTrue(extractor
                            .extract(Corpus.file("cda/LDL-SES_2022.01.xml"))
                            .text()
                            .length()
                    > 100);
            assertEquals(1, extractor.processes());
        }
    }

    @Test
    void aParsePastItsDeadlineIsStoppedWithItsProcess() throws IOException {
        Path big = bigPdf();
        try (ForkedExtractor hasty = new ForkedExtractor(
                ExtractionLimits.defaults().withParseTimeout(Duration.ofMillis(300)), JAVA_OPTIONS)) {
            // The process is started (and Tika set up) by a first document, outside the deadline.
            assertThrows(DocumentContentException.class, () -> hasty.extract(Files.createFile(tmp.resolve("e"))));
            ProcessHandle child = hasty.processHandles().getFirst();

            long start = System.nanoTime();
            DocumentContentException e = assertThrows(DocumentContentException.class, () -> hasty.extract(big));
            long elapsed = (System.nanoTime() - start) / 1_000_000;

            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
            assertTrue(
                    elapsed < ForkedExtractor.GRACE.toMillis(),
                    "answered at the deadline, not when the parse would end: " + elapsed + " ms");
            await("the process that parsed it has ended")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !child.isAlive());
            assertEquals(1, hasty.stopped());
            assertEquals(0, hasty.processes(), "no process left running the parse");
            assertEquals(0, hasty.running());
        }
        assertTrue(
                FORKED.extract(big).text().length() > 10_000, "the same PDF parses in full without the short deadline");
    }

    @Test
    void eachProcessKeepsItsTemporaryFilesInADirectoryOfItsOwnThatGoesWithItEvenWhenKilledAtTheDeadline()
            throws IOException {
        Path big = bigPdf();
        Path temporaryFiles = Files.createDirectory(tmp.resolve("scratch"));
        try (ForkedExtractor hasty = new ForkedExtractor(
                ExtractionLimits.defaults().withParseTimeout(Duration.ofMillis(300)),
                JAVA_OPTIONS,
                1,
                Optional.empty(),
                temporaryFiles)) {
            assertThrows(DocumentContentException.class, () -> hasty.extract(Files.createFile(tmp.resolve("e"))));
            ProcessHandle child = hasty.processHandles().getFirst();
            List<Path> own = list(temporaryFiles);
            assertEquals(1, own.size(), "one directory for the one process");
            assertTrue(
                    child.info().commandLine().orElseThrow().contains("-Djava.io.tmpdir=" + own.getFirst() + " "),
                    "its java.io.tmpdir");
            // What a parse spools there (Tika's copies of embedded documents) when it is cut short.
            Files.writeString(own.getFirst().resolve("apache-tika-1.tmp"), "an embedded document");

            DocumentContentException e = assertThrows(DocumentContentException.class, () -> hasty.extract(big));

            assertEquals(QuarantineReason.PARSE_TIMEOUT, e.reason());
            await("the stopped process's directory removed")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !Files.exists(own.getFirst()));
        }
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }

    @Test
    void aParseHeldUpByABusyMachineIsRetriedNotQuarantined() throws Exception {
        Path big = bigPdf();
        try (ForkedExtractor extractor = new ForkedExtractor(
                        ExtractionLimits.defaults().withParseTimeout(Duration.ofSeconds(1)), JAVA_OPTIONS);
                ExecutorService caller = Executors.newSingleThreadExecutor()) {
            extractor.extract(Corpus.file("cda/LDL-SES_2022.01.xml"));
            ProcessHandle child = extractor.processHandles().getFirst();
            Duration before = cpu(child);
            Future<ExtractedContent> parse = caller.submit(() -> extractor.extract(big));
            await("the parse has started")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> cpu(child).compareTo(before) > 0);

            signal("STOP", child);
            // The busy machine itself: the process gets no CPU for longer than its parse deadline
            // (1 s), and less than the deadline plus the grace after which it would be killed.
            Thread.sleep(1500);
            signal("CONT", child);

            ExecutionException e = assertThrows(ExecutionException.class, parse::get);
            assertTrue(
                    e.getCause() instanceof IOException
                            && e.getCause().getMessage().contains("too busy"),
                    "a retry, not a quarantine: " + e.getCause());
            assertEquals(0, extractor.stopped(), "not counted as a parse stopped at its deadline");
            await("the process that held the parse has ended")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !child.isAlive());
        }
    }

    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElseThrow();
    }

    private static void signal(String signal, ProcessHandle process) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                        .start()
                        .waitFor());
    }

    /** 400 pages of text: over a second of parsing. */
    private Path bigPdf() throws IOException {
        Path big = tmp.resolve("big.pdf");
        try (PDDocument document = DocumentExtractorLimitsTest.pdfWithPages(400)) {
            document.save(big.toFile());
        }
        return big;
    }
}
