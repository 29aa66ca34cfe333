package fr.coffre.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared corpus, read where it lies ({@code -Dcoffre.corpus}, by default ../shared/corpus): its
 * licences forbid copying it here. The one way tests read it.
 */
public final class Corpus {

    public static final Path ROOT = Path.of(System.getProperty("coffre.corpus", "../shared/corpus"));
    public static final String NOT_APPLICABLE = "-";
    private static final Pattern TIKA_CHARS = Pattern.compile("^(\\d+) chars");

    /** One line of manifest.tsv; {@code -} marks a value that does not apply. */
    public record Row(
            String file,
            String patientId,
            String patientIdSystem,
            String docCode,
            String docCodeSystem,
            String effectiveTime,
            String title,
            String authorId,
            String authorIdSystem,
            String mediaType,
            String kind,
            String expected,
            String observedTikaText) {

        public static boolean applies(String value) {
            return !NOT_APPLICABLE.equals(value);
        }

        public InputStream open() {
            return Corpus.open(file);
        }

        public Path path() {
            return Corpus.file(file);
        }

        /** The characters Tika 3.3.1 extracted, per observed_tika_text; -1 when it failed. */
        public int observedTikaChars() {
            Matcher m = TIKA_CHARS.matcher(observedTikaText);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private Corpus() {}

    public static Path file(String relative) {
        return ROOT.resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream open(String relative) {
        try {
            return Files.newInputStream(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** manifest.tsv, one map per row keyed by column name. */
    public static List<Map<String, String>> manifest() {
        try {
            List<String> lines = Files.readAllLines(file("manifest.tsv"));
            String[] columns = lines.get(0).split("\t", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.length; i++) {
                    row.put(columns[i], i < cells.length ? cells[i] : "");
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** manifest.tsv's rows whose file passes the filter, typed. */
    public static List<Row> rows(Predicate<String> fileFilter) {
        return manifest().stream()
                .map(r -> new Row(
                        r.get("file"),
                        r.get("patient_id"),
                        r.get("patient_id_system"),
                        r.get("doc_code"),
                        r.get("doc_code_system"),
                        r.get("effective_time"),
                        r.get("title"),
                        r.get("author_id"),
                        r.get("author_id_system"),
                        r.get("media_type"),
                        r.get("kind"),
                        r.get("expected"),
                        r.get("observed_tika_text")))
                .filter(row -> fileFilter.test(row.file()))
                .toList();
    }

    public static String collapseWhitespace(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
