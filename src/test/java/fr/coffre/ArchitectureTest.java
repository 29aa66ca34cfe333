package fr.coffre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, read from its sources: the HTTP layer on top, each capability below it
 * depending only on its own layer or lower ones, no cycle between packages, and names imported
 * rather than written out in full.
 */
class ArchitectureTest {

    static final Path MAIN = Path.of("src/main/java/fr/coffre");
    static final Path TEST = Path.of("src/test/java/fr/coffre");
    static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    static final Pattern QUALIFIED =
            Pattern.compile("\\b(?:java|javax|jakarta|io|org|com|fr)(?:\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?fr\\.coffre\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Lowest first: a package may use its own layer and the ones before it, never one after. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("problem", "observability", "blocking", "database", "document", "extraction", "event", "scratch"),
            Set.of("storage", "outbox", "messaging"),
            Set.of("ingest", "index", "access", "mhd"),
            Set.of("api", "health", "roles"));

    @Test
    void everyPackageBelongsToALayer() {
        Set<String> layered = new TreeSet<>();
        LAYERS.forEach(layered::addAll);
        assertEquals(layered, dependencies().keySet(), "packages of src/main/java/fr/coffre and LAYERS");
    }

    @Test
    void noPackageUsesOneOfAHigherLayer() {
        List<String> upward = new ArrayList<>();
        dependencies()
                .forEach((from, targets) -> targets.forEach(to -> {
                    if (layer(to) > layer(from)) {
                        upward.add(from + " -> " + to);
                    }
                }));
        assertEquals(
                List.of(),
                upward,
                "the HTTP layer stays on top: storage reads no ingestion settings, no domain "
                        + "package imports a resource");
    }

    @Test
    void noCycleBetweenPackages() {
        Map<String, Set<String>> graph = dependencies();
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    assertTrue(!next.equals(start), "a cycle: " + String.join(" -> ", longer));
                    if (seen.add(next)) {
                        paths.push(longer);
                    }
                }
            }
        }
    }

    @Test
    void transactionsAreOpenedOneWay() {
        // Transactions sends BEGIN with the first statements; the SQL client's own waits for its answer.
        List<String> elsewhere = new ArrayList<>();
        for (Path file : javaFiles(MAIN)) {
            String code = STRING.matcher(read(file)).replaceAll("\"\"");
            if (code.contains(".withTransaction(")) {
                elsewhere.add(file.toString());
            }
        }
        assertEquals(List.of(), elsewhere, "transactions are opened through database.Transactions");
    }

    @Test
    void classesAreImportedNotWrittenOutInFull() {
        List<String> inline = new ArrayList<>();
        for (Path root : List.of(MAIN, TEST)) {
            for (Path file : javaFiles(root)) {
                String[] lines = read(file).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    String code = lines[i].strip();
                    if (code.startsWith("import ")
                            || code.startsWith("package ")
                            || code.startsWith("*")
                            || code.startsWith("/*")
                            || code.startsWith("//")) {
                        continue;
                    }
                    Matcher m = QUALIFIED.matcher(STRING.matcher(code).replaceAll("\"\""));
                    if (m.find()) {
                        inline.add(file + ":" + (i + 1) + " " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), inline);
    }

    /** Top-level package under fr.coffre to the other ones it imports from. */
    static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path file : javaFiles(MAIN)) {
            if (file.getParent().equals(MAIN)) {
                continue;
            }
            String from = MAIN.relativize(file).getName(0).toString();
            Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = IMPORT.matcher(read(file));
            while (m.find()) {
                if (!m.group(1).equals(from)) {
                    targets.add(m.group(1));
                }
            }
        }
        return graph;
    }

    static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package " + pkg + " is in no layer");
    }

    static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
