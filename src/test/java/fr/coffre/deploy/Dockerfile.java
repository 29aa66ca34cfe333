package fr.coffre.deploy;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read as its instructions: line continuations joined, comments and blank lines dropped. */
record Dockerfile(Path file, List<Instruction> instructions) {

    record Instruction(String keyword, String arguments) {}

    /** A COPY: {@code from} is the stage it copies from, or null for the build context. */
    record Copy(String from, String source, String destination) {}

    /** HEALTHCHECK's options and its exec-form command, Docker's defaults where an option is absent. */
    record Healthcheck(List<String> command, Duration interval, Duration timeout, Duration startPeriod, int retries) {}

    /** The account a RUN useradd creates. */
    record Account(String name, int uid, int gid, String home, String shell) {}

    private static final Pattern OPTION = Pattern.compile("--([a-z-]+)=(\\S+)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && trimmed.startsWith("#")) {
                continue; // a comment inside a continued instruction
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            instructions.add(new Instruction(
                    keyword, space < 0 ? "" : text.substring(space + 1).strip()));
        }
        return new Dockerfile(file, List.copyOf(instructions));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The instructions of the last stage: the image that is shipped. */
    Dockerfile finalStage() {
        int from = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                from = i;
            }
        }
        return new Dockerfile(file, instructions.subList(from, instructions.size()));
    }

    /** The user the final image runs as (the last USER of the last stage), or null. */
    String user() {
        List<Instruction> users = finalStage().all("USER");
        return users.isEmpty() ? null : users.get(users.size() - 1).arguments();
    }

    /** The instructions of the stage named {@code name} ({@code FROM image AS name}). */
    Dockerfile stage(String name) {
        int from = -1;
        for (int i = 0; i < instructions.size(); i++) {
            Instruction instruction = instructions.get(i);
            if (instruction.keyword().equals("FROM")) {
                if (from >= 0) {
                    return new Dockerfile(file, instructions.subList(from, i));
                }
                if (instruction.arguments().toLowerCase(Locale.ROOT).endsWith(" as " + name)) {
                    from = i;
                }
            }
        }
        if (from < 0) {
            throw new IllegalArgumentException(file + " has no stage " + name);
        }
        return new Dockerfile(file, instructions.subList(from, instructions.size()));
    }

    /** The variables ENV sets, in order. */
    Map<String, String> environment() {
        return keyValues("ENV");
    }

    Map<String, String> labels() {
        return keyValues("LABEL");
    }

    /** EXPOSE's ports as written: 8080, or 8080/udp. */
    List<String> exposedPorts() {
        return all("EXPOSE").stream()
                .flatMap(e -> List.of(e.arguments().split("\\s+")).stream())
                .toList();
    }

    /** ENTRYPOINT in exec form (a JSON array), the only form this project writes. */
    List<String> entrypoint() {
        return execForm(last("ENTRYPOINT"));
    }

    String workdir() {
        return last("WORKDIR");
    }

    List<Copy> copies() {
        List<Copy> copies = new ArrayList<>();
        for (Instruction copy : all("COPY")) {
            List<String> words = List.of(copy.arguments().split("\\s+"));
            String from = null;
            int first = 0;
            while (words.get(first).startsWith("--")) {
                if (words.get(first).startsWith("--from=")) {
                    from = words.get(first).substring("--from=".length());
                }
                first++;
            }
            if (words.size() - first != 2) {
                throw new IllegalArgumentException("COPY with one source and one destination only: " + copy);
            }
            copies.add(new Copy(from, words.get(first), words.get(first + 1)));
        }
        return copies;
    }

    Healthcheck healthcheck() {
        String arguments = last("HEALTHCHECK");
        int cmd = arguments.indexOf("CMD ");
        if (cmd < 0) {
            throw new IllegalArgumentException(file + ": HEALTHCHECK without CMD");
        }
        Map<String, String> options = new LinkedHashMap<>();
        Matcher m = OPTION.matcher(arguments.substring(0, cmd));
        while (m.find()) {
            options.put(m.group(1), m.group(2));
        }
        return new Healthcheck(
                execForm(arguments.substring(cmd + "CMD ".length())),
                duration(options.getOrDefault("interval", "30s")),
                duration(options.getOrDefault("timeout", "30s")),
                duration(options.getOrDefault("start-period", "0s")),
                Integer.parseInt(options.getOrDefault("retries", "3")));
    }

    /** The account of the {@code useradd} in a RUN of this stage. */
    Account account() {
        String useradd = all("RUN").stream()
                .map(Instruction::arguments)
                .filter(a -> a.contains("useradd "))
                .findFirst()
                .map(a -> a.substring(a.indexOf("useradd ")).split("&&")[0].strip())
                .orElseThrow(() -> new IllegalArgumentException(file + ": no RUN useradd"));
        String[] words = useradd.split("\\s+");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < words.length - 1; i++) {
            if (words[i].startsWith("--") && !words[i + 1].startsWith("--")) {
                options.put(words[i], words[++i]);
            }
        }
        return new Account(
                words[words.length - 1],
                Integer.parseInt(options.get("--uid")),
                Integer.parseInt(options.get("--gid")),
                options.get("--home-dir"),
                options.get("--shell"));
    }

    private String last(String keyword) {
        List<Instruction> found = all(keyword);
        if (found.isEmpty()) {
            throw new IllegalArgumentException(file + " has no " + keyword);
        }
        return found.get(found.size() - 1).arguments();
    }

    private static List<String> execForm(String json) {
        return new JsonArray(json.strip()).stream().map(String.class::cast).toList();
    }

    /** Docker's durations as HEALTHCHECK writes them: 15s, 1m30s, 500ms. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        default -> Duration.ofHours(amount);
                    });
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return total;
    }

    /** KEY=value pairs of every {@code keyword} instruction; values may be double-quoted. */
    private Map<String, String> keyValues(String keyword) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Instruction instruction : all(keyword)) {
            for (String word : words(instruction.arguments())) {
                int equals = word.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(keyword + " in KEY=value form only: " + instruction);
                }
                values.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return values;
    }

    /** Words split on blanks outside double quotes, the quotes removed and backslash escapes applied. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean started = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                started = true;
            } else if (c == '"') {
                quoted = !quoted;
                started = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (started) {
                    words.add(word.toString());
                    word.setLength(0);
                    started = false;
                }
            } else {
                word.append(c);
                started = true;
            }
        }
        if (started) {
            words.add(word.toString());
        }
        return words;
    }
}
