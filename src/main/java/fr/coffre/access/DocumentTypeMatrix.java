package fr.coffre.access;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each profession reads, by document type: the DMP's matrix (src/main/resources/
 * dmp-access-matrix.tsv, whose header says its shape), or the file {@code coffre.access.matrix}
 * names. Read once at start: a matrix that does not parse stops the service rather than let
 * anyone read by a rule nobody wrote.
 */
@ApplicationScoped
@Startup
public class DocumentTypeMatrix {

    static final String DEFAULT = "dmp-access-matrix.tsv";
    static final String UNLISTED = "*";
    private static final ReadableTypes NOTHING = new ReadableTypes(false, List.of());
    private static final int FIRST_PROFESSION = 3;

    private final Map<String, ReadableTypes> byProfession;

    @Inject
    public DocumentTypeMatrix(AccessConfig config) {
        this(config.matrix().map(DocumentTypeMatrix::file).orElseGet(DocumentTypeMatrix::builtIn));
    }

    DocumentTypeMatrix(List<String> lines) {
        this.byProfession = parse(lines);
    }

    /**
     * What this professional reads: their profession's column, the one of their profession and
     * genre d'activité ({@code 99:GENR08}) first; nothing when no column names them.
     */
    public ReadableTypes readableBy(String profession, String activityGenre) {
        if (activityGenre != null) {
            ReadableTypes qualified = byProfession.get(profession + ":" + activityGenre);
            if (qualified != null) {
                return qualified;
            }
        }
        return byProfession.getOrDefault(profession, NOTHING);
    }

    private static Map<String, ReadableTypes> parse(List<String> lines) {
        List<String> professions = null;
        Map<String, Integer> columns = new HashMap<>();
        Set<String> types = new LinkedHashSet<>();
        List<String[]> rows = new ArrayList<>();
        String[] unlisted = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (professions == null) {
                if (cells.length <= FIRST_PROFESSION || !cells[0].equals("type")) {
                    throw invalid(n, "the header is type, class, label, then one column per profession");
                }
                professions = List.of(cells).subList(FIRST_PROFESSION, cells.length);
                for (int column = 0; column < professions.size(); column++) {
                    for (String key : professions.get(column).split("/")) {
                        if (key.isBlank() || columns.put(key.trim(), column) != null) {
                            throw invalid(n, "profession " + key + " is blank or heads two columns");
                        }
                    }
                }
                continue;
            }
            if (cells.length != FIRST_PROFESSION + professions.size()) {
                throw invalid(n, "a row has " + (FIRST_PROFESSION + professions.size()) + " cells");
            }
            String type = cells[0].trim();
            if (type.isEmpty() || !types.add(type)) {
                throw invalid(n, "type " + type + " is blank or listed twice");
            }
            for (int cell = FIRST_PROFESSION; cell < cells.length; cell++) {
                if (!cells[cell].equals("X") && !cells[cell].equals(".")) {
                    throw invalid(n, "a profession's cell is X (reads) or . (does not)");
                }
            }
            if (type.equals(UNLISTED)) {
                unlisted = cells;
            } else {
                rows.add(cells);
            }
        }
        if (professions == null) {
            throw invalid(lines.size(), "no header");
        }
        Map<String, ReadableTypes> readable = new HashMap<>();
        for (var key : columns.entrySet()) {
            int cell = FIRST_PROFESSION + key.getValue();
            boolean others = unlisted != null && unlisted[cell].equals("X");
            List<String> codes = rows.stream()
                    .filter(row -> row[cell].equals("X") != others)
                    .map(row -> row[0].trim())
                    .toList();
            readable.put(key.getKey(), new ReadableTypes(others, codes));
        }
        return Map.copyOf(readable);
    }

    private static IllegalStateException invalid(int line, String why) {
        return new IllegalStateException("The access matrix is not valid at line " + (line + 1) + ": " + why + ".");
    }

    private static List<String> file(Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("The access matrix " + path + " could not be read", e);
        }
    }

    static List<String> builtIn() {
        try (InputStream in = DocumentTypeMatrix.class.getClassLoader().getResourceAsStream(DEFAULT)) {
            if (in == null) {
                throw new IllegalStateException("The built-in access matrix " + DEFAULT + " is missing");
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
