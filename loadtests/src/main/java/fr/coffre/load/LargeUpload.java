package fr.coffre.load;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory check: one very large PDF (2 GiB by default), generated as it is sent, uploaded to
 * the service while its resident memory is sampled from /proc. The service must have been
 * started with COFFRE_MAX_DOCUMENT_SIZE above the size. Parameters: -Dbase.url,
 * -Dsize (bytes, 2147483648), -Dservice.pid, -Drss.limit.mb (512), -Dsample.ms (200),
 * -Dbench.out, -Drecord, -Dcommit, -Dmachine.
 */
public final class LargeUpload {

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(Settings.string("size", Long.toString(2L << 30)));
        String pid = Settings.string("service.pid", "");
        long limitMb = Settings.integer("rss.limit.mb", 512);
        String producer = "chu-lyon-dpi";
        String runId = Settings.runId() + "-large";
        // A generated patient: the realm's patients should not find a 2 GB document in their lists.
        String patient = new DocumentGenerator(Corpus.locate(), Settings.seed(), runId).generatedPatient(0);
        String uniqueId = DocumentGenerator.LOAD_ID_ROOT + "^" + runId + "-0";
        String metadata = Json.write(java.util.Map.of("uniqueId", uniqueId,
                "patient", java.util.Map.of("id", patient, "system", Ins.NIR_TEST_SYSTEM),
                "typeCode", java.util.Map.of("code", "18748-4", "system", "2.16.840.1.113883.6.1"),
                "title", "Très grand document de test"));
        String boundary = "coffre-large-" + Long.toHexString(new SplittableRandom().nextLong());
        byte[] before = concat(Multipart.partHeader(boundary, "metadata", null, "application/json"),
                metadata.getBytes(StandardCharsets.UTF_8), "\r\n".getBytes(StandardCharsets.US_ASCII),
                Multipart.partHeader(boundary, "content", "large.pdf", "application/pdf"));
        byte[] after = concat("\r\n".getBytes(StandardCharsets.US_ASCII), Multipart.closing(boundary));
        long length = before.length + size + after.length;
        AtomicLong sent = new AtomicLong();

        List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean uploading = new AtomicBoolean(true);
        long started = System.currentTimeMillis();
        Thread sampler = new Thread(() -> {
            while (uploading.get() && !pid.isBlank()) {
                try {
                    samples.add(new long[] {System.currentTimeMillis() - started, BenchReport.statusKb(pid, "VmRSS"), sent.get()});
                    Thread.sleep(Settings.integer("sample.ms", 200));
                } catch (Exception e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try (Tokens tokens = Tokens.forProducers()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(Settings.baseUrl() + "/api/v1/documents"))
                    .timeout(Duration.ofMinutes(60))
                    .header("Authorization", tokens.bearer(producer))
                    .header("Content-Type", Multipart.contentType(boundary))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> counting(
                            new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(before),
                                    new GeneratedPdfStream(size, "Coffre " + uniqueId), new ByteArrayInputStream(after)))),
                            sent)), length))
                    .build();
            System.out.printf("uploading %s (%d bytes) to %s as %s...%n", Sizes.human(size), size, Settings.baseUrl(), uniqueId);
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } finally {
            uploading.set(false);
            sampler.join(2000);
        }
        double seconds = (System.currentTimeMillis() - started) / 1000.0;
        long maxRssKb = samples.stream().mapToLong(s -> s[1]).max().orElse(-1);
        long hwmKb = pid.isBlank() ? -1 : BenchReport.statusKb(pid, "VmHWM");
        boolean within = maxRssKb >= 0 && maxRssKb <= limitMb * 1024;

        Path out = Path.of(Settings.string("bench.out", "target/bench/" + Settings.runId()));
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("millis,rss_kb,bytes_sent\n");
        samples.forEach(s -> csv.append(s[0]).append(',').append(s[1]).append(',').append(s[2]).append('\n'));
        Files.writeString(out.resolve("large-upload-rss.csv"), csv);

        System.out.printf(Locale.ROOT, "answer %d in %.1f s (%.1f MB/s): %s%n", response.statusCode(), seconds,
                size / 1e6 / seconds, response.body().length() > 400 ? response.body().substring(0, 400) + "..." : response.body());
        System.out.printf(Locale.ROOT, "service RSS during the upload: max %s over %d samples (VmHWM since start %s); limit %d MiB: %s%n",
                maxRssKb < 0 ? "n/a" : Sizes.human(maxRssKb * 1024), samples.size(),
                hwmKb < 0 ? "n/a" : Sizes.human(hwmKb * 1024), limitMb, maxRssKb < 0 ? "not sampled" : within ? "PASS" : "FAIL");
        System.out.println("samples: " + out.resolve("large-upload-rss.csv"));

        String record = Settings.string("record", "");
        if (!record.isBlank() && maxRssKb >= 0) {
            String row = String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.1f | %s | %s | %s |", LocalDate.now(),
                    Settings.string("commit", "?"), Settings.string("machine", "?"), Sizes.human(size), response.statusCode(),
                    size / 1e6 / seconds, Sizes.human(maxRssKb * 1024), Sizes.human(hwmKb * 1024), within ? "yes" : "no");
            BenchReport.appendRow(Path.of(record), BenchReport.LARGE_ROWS_END, row);
            System.out.println("row added to " + record);
        }
        System.exit(response.statusCode() == 201 && (maxRssKb < 0 || within) ? 0 : 1);
    }

    private static InputStream counting(InputStream in, AtomicLong counter) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    counter.addAndGet(n);
                }
                return n;
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
