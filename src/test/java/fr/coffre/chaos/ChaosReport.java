package fr.coffre.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What a fault campaign injected, what its clients were answered, and how the stack reconciled. */
public record ChaosReport(
        ChaosCampaign.Settings settings,
        Duration loaded,
        Map<String, Integer> injected,
        List<String> faultLog,
        Map<String, Integer> answers,
        int acknowledged,
        Map<String, Integer> byStatus,
        int missing,
        int damaged,
        long indexEntries,
        int notAnnounced,
        int announcedTwice,
        long orphans,
        List<String> violations) {

    public String markdown() {
        StringBuilder text = new StringBuilder();
        text.append("| | |\n|---|---|\n");
        row(
                text,
                "load",
                loaded.toSeconds() + " s, " + settings.producers() + " producers and a patient reading, seed "
                        + settings.seed());
        row(
                text,
                "faults injected",
                injected.entrySet().stream()
                        .map(e -> e.getValue() + " × " + e.getKey())
                        .collect(Collectors.joining("; ")));
        row(
                text,
                "answers to clients",
                answers.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("; ")));
        row(text, "documents acknowledged (201 or 200)", String.valueOf(acknowledged));
        row(text, "their status at the end", byStatus.toString());
        row(text, "acknowledged but missing", String.valueOf(missing));
        row(text, "damaged (row or object sha256 differs from what was sent)", String.valueOf(damaged));
        row(text, "index entries of the INDEXED ones", String.valueOf(indexEntries));
        row(text, "INDEXED but never announced on coffre.documents.indexed", String.valueOf(notAnnounced));
        row(text, "announced more than once (the relay is at least once)", String.valueOf(announcedTwice));
        row(text, "objects without a row after the grace period", String.valueOf(orphans));
        row(text, "violations", violations.isEmpty() ? "none" : String.valueOf(violations.size()));
        text.append("\nFaults, in order (seconds from the start):\n\n");
        faultLog.forEach(fault -> text.append("- ").append(fault).append('\n'));
        if (!violations.isEmpty()) {
            text.append("\nViolations:\n\n");
            violations.stream()
                    .limit(50)
                    .forEach(v -> text.append("- ").append(v).append('\n'));
        }
        return text.toString();
    }

    private static void row(StringBuilder text, String what, String value) {
        text.append("| ").append(what).append(" | ").append(value).append(" |\n");
    }
}
