package fr.coffre.load;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Why a phase's uploads were not accepted, counted by reason: the answer's status and its problem
 * detail with numbers masked, so that the service's limits (uploads in flight, a producer's share,
 * the backlog, the quota) each count as one reason. A refused run then says which limit it met.
 */
public final class Refusals {

    /** Reasons kept in a phase's line: the rest are summed as "other". */
    static final int SHOWN = 4;

    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern DETAIL = Pattern.compile("\"detail\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){0,300})");
    private static final String SEPARATOR = " | ";

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /**
     * @param status the answer's status, or null when none came
     * @param body   the answer's body, or null
     */
    public void add(Integer status, String body) {
        counts.computeIfAbsent(reason(status, body), key -> new AtomicLong()).incrementAndGet();
    }

    static String reason(Integer status, String body) {
        if (status == null) {
            return "no answer";
        }
        var detail = body == null ? null : DETAIL.matcher(body);
        if (detail == null || !detail.find()) {
            return Integer.toString(status);
        }
        return status + " " + NUMBER.matcher(detail.group(1)).replaceAll("N");
    }

    /** One line: the most frequent reasons first, each as "count× reason". */
    public String summary() {
        List<Map.Entry<String, AtomicLong>> byCount = new ArrayList<>(counts.entrySet());
        byCount.sort(Comparator.comparingLong((Map.Entry<String, AtomicLong> e) -> e.getValue().get())
                .reversed()
                .thenComparing(Map.Entry::getKey));
        List<String> shown = new ArrayList<>();
        long other = 0;
        for (int i = 0; i < byCount.size(); i++) {
            long count = byCount.get(i).getValue().get();
            if (i < SHOWN) {
                shown.add(String.format(Locale.ROOT, "%d× %s", count, byCount.get(i).getKey()));
            } else {
                other += count;
            }
        }
        if (other > 0) {
            shown.add(other + "× other");
        }
        return String.join(SEPARATOR, shown);
    }
}
