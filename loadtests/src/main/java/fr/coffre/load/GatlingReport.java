package fr.coffre.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gatling's statistics for one request name, read from its HTML report (index.html's statistics
 * table): Gatling 3.15 writes no stats.json and its simulation.log is binary.
 */
public record GatlingReport(long total, long ok, long ko, long p50, long p75, long p95, long p99, long max) {

    private static final Pattern CELL = Pattern.compile("<td class=\"value [a-z ]*col-(\\d+)\">([^<]*)</td>");

    public static Optional<GatlingReport> read(Path reportDir, String requestName) throws IOException {
        String html = Files.readString(reportDir.resolve("index.html"), StandardCharsets.UTF_8);
        int name = html.indexOf("class=\"ellipsed-name\">" + escape(requestName) + "</span>");
        if (name < 0) {
            return Optional.empty();
        }
        int rowEnd = html.indexOf("</tr>", name);
        Matcher cells = CELL.matcher(html.substring(name, rowEnd < 0 ? html.length() : rowEnd));
        Map<Integer, Long> columns = new HashMap<>();
        while (cells.find()) {
            String value = cells.group(2).trim().replace(",", "");
            if (value.matches("\\d+")) {
                columns.put(Integer.parseInt(cells.group(1)), Long.parseLong(value));
            }
        }
        // Columns: 2 total, 3 OK, 4 KO, 5 % KO, 6 count/s, 7 min, 8 p50, 9 p75, 10 p95, 11 p99, 12 max.
        if (!columns.containsKey(2)) {
            return Optional.empty();
        }
        return Optional.of(new GatlingReport(columns.get(2), columns.getOrDefault(3, 0L), columns.getOrDefault(4, 0L),
                columns.getOrDefault(8, 0L), columns.getOrDefault(9, 0L), columns.getOrDefault(10, 0L),
                columns.getOrDefault(11, 0L), columns.getOrDefault(12, 0L)));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
