package fr.coffre.push;

import java.util.List;
import java.util.Locale;

/** One line, rewritten in place: documents and bytes sent, the rate, and the time left at that rate. */
final class Progress {

    private final long totalDocuments;
    private final long totalBytes;
    private final long started = System.nanoTime();
    private final long skipped;
    private long documents;
    private long bytes;

    Progress(List<Document> toSend, long skipped) {
        this.totalDocuments = toSend.size();
        this.totalBytes = toSend.stream().mapToLong(Document::size).sum();
        this.skipped = skipped;
    }

    void sent(List<Document> batch) {
        documents += batch.size();
        bytes += batch.stream().mapToLong(Document::size).sum();
    }

    String line() {
        double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
        double rate = bytes / seconds;
        long left = rate <= 0 ? 0 : (long) ((totalBytes - bytes) / rate);
        int width = 30;
        int done = totalBytes == 0 ? width : (int) (width * bytes / totalBytes);
        return String.format(
                Locale.ROOT,
                "\r[%s%s] %d/%d documents%s, %.1f/%.1f MB, %.1f documents/s, %.1f MB/s, %d:%02d left   ",
                "#".repeat(done),
                " ".repeat(width - done),
                documents,
                totalDocuments,
                skipped > 0 ? " (" + skipped + " accepted before)" : "",
                bytes / 1e6,
                totalBytes / 1e6,
                documents / seconds,
                rate / 1e6,
                left / 60,
                left % 60);
    }
}
