package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shared test corpus, read in place (its licences forbid copying it into the repository). */
final class Corpus {

    static final String NOT_APPLICABLE = "-";

    /** One line of manifest.tsv; {@code -} marks a value that does not apply. */
    record Row(String file, String patientId, String patientIdSystem, String docCode, String docCodeSystem,
               String effectiveTime, String title, String authorId, String authorIdSystem,
               String mediaType, String kind, String expected, String observedTikaText) {

        static boolean applies(String value) {
            return !NOT_APPLICABLE.equals(value);
        }

        InputStream open() {
            return Corpus.open(file);
        }

        Path path() {
            return root().resolve(file);
        }

        /** The characters Tika 3.3.1 extracted, per observed_tika_text; -1 when it failed. */
        int observedTikaChars() {
            Matcher m = Pattern.compile("^(\\d+) chars").matcher(observedTikaText);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    private Corpus() {
    }

    static Path root() {
        String root = System.getProperty("coffre.corpus");
        if (root == null) {
            throw new IllegalStateException("system property coffre.corpus is not set (surefire sets it)");
        }
        return Path.of(root);
    }

    static InputStream open(String file) {
        try {
            return Files.newInputStream(root().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Row> rows(Predicate<String> fileFilter) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root().resolve("manifest.tsv"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> column = new HashMap<>();
        String[] header = lines.get(0).split("\t", -1);
        for (int i = 0; i < header.length; i++) {
            column.put(header[i], i);
        }
        return lines.stream().skip(1).filter(line -> !line.isBlank())
                .map(line -> line.split("\t", -1))
                .map(cells -> new Row(
                        cells[column.get("file")], cells[column.get("patient_id")],
                        cells[column.get("patient_id_system")], cells[column.get("doc_code")],
                        cells[column.get("doc_code_system")], cells[column.get("effective_time")],
                        cells[column.get("title")], cells[column.get("author_id")],
                        cells[column.get("author_id_system")], cells[column.get("media_type")],
                        cells[column.get("kind")], cells[column.get("expected")],
                        cells[column.get("observed_tika_text")]))
                .filter(row -> fileFilter.test(row.file()))
                .toList();
    }

    static String collapseWhitespace(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }
}
