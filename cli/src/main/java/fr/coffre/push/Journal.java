package fr.coffre.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of every document sent, one line each (path, SHA-256, outcome, document id or
 * problem), appended and forced to disk after each submission set: after an interruption, the
 * next run skips what the server accepted, and sends again a file whose bytes changed since.
 */
final class Journal implements AutoCloseable {

    record Entry(String path, String sha256, String outcome, String detail) {

        boolean accepted() {
            return outcome.equals("created") || outcome.equals("duplicate");
        }

        String line() {
            return String.join("\t", path, sha256, outcome, detail.replaceAll("[\\t\\n\\r]", " ")) + "\n";
        }
    }

    private final Map<String, Entry> accepted = new HashMap<>();
    private final FileChannel out;

    Journal(Path file) throws IOException {
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", 4);
                if (fields.length == 4) {
                    Entry entry = new Entry(fields[0], fields[1], fields[2], fields[3]);
                    if (entry.accepted()) {
                        accepted.put(key(entry.path(), entry.sha256()), entry);
                    }
                }
            }
        }
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** The earlier run's acceptance of these very bytes at this path, if any. */
    Entry acceptedBefore(String path, String sha256) {
        return accepted.get(key(path, sha256));
    }

    void record(List<Entry> entries) {
        StringBuilder lines = new StringBuilder();
        entries.forEach(e -> lines.append(e.line()));
        try {
            out.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("the journal could not be written", e);
        }
    }

    private static String key(String path, String sha256) {
        return path + "\t" + sha256;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
