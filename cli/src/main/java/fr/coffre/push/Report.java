package fr.coffre.push;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every document's outcome in this run: the summary printed at the end and the CSV report. */
final class Report {

    record Row(Document document, String outcome, String documentId, String problem) {}

    private final List<Row> rows = new ArrayList<>();
    private final int total;

    Report(int total) {
        this.total = total;
    }

    void add(Document document, String outcome, String documentId, String problem) {
        // One line each, in the summary and the CSV alike.
        rows.add(new Row(document, outcome, documentId, problem == null ? null : problem.replaceAll("\\s+", " ")));
    }

    long count(String outcome) {
        return rows.stream().filter(r -> r.outcome().equals(outcome)).count();
    }

    long skipped() {
        return count("skipped");
    }

    long rejected() {
        return count("rejected");
    }

    void write(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("path,sha256,outcome,document_id,problem\n");
        for (Row row : rows) {
            csv.append(String.join(
                            ",",
                            quoted(row.document().path()),
                            row.document().sha256(),
                            row.outcome(),
                            row.documentId() == null ? "" : row.documentId(),
                            quoted(row.problem() == null ? "" : row.problem())))
                    .append('\n');
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    void summary(PrintStream out, Path report) {
        out.printf(
                "%d documents: %d created, %d duplicates (already accepted), %d skipped (accepted by an earlier run),"
                        + " %d rejected%n",
                total,
                count("created"),
                count("duplicate"),
                skipped(),
                rejected());
        for (Row row : rows) {
            if (row.outcome().equals("rejected")) {
                out.printf("  rejected %s: %s%n", row.document().path(), row.problem());
            }
        }
        out.printf("report: %s%n", report);
    }

    private static String quoted(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
