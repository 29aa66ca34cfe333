package fr.coffre.load;

import java.sql.Connection;
import java.util.Locale;

/**
 * Waits, bounded, for the documents of one stream of a run to leave STORED: the bench drains its
 * warm-up this way before measuring, and its measured documents before reporting.
 *
 * <p>{@code java fr.coffre.load.Backlog} with -Drun.id, -Dstream (bench), -Ddrain.seconds (60).
 */
public final class Backlog {

    private Backlog() {}

    public static void main(String[] args) throws Exception {
        String prefix = Settings.runId() + "-" + Settings.string("stream", "bench") + "-";
        try (Connection db = BenchReport.connect()) {
            BenchReport.EndToEnd e2e = waitForDrain(db, prefix, Settings.integer("drain.seconds", 60));
            System.out.println(String.format(Locale.ROOT, "%s*: %d INDEXED of %d, %d still STORED",
                    prefix, e2e.indexed(), e2e.total(), e2e.pending()));
        }
    }

    static BenchReport.EndToEnd waitForDrain(Connection db, String prefix, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + 1000L * seconds;
        BenchReport.EndToEnd e2e = BenchReport.endToEnd(db, prefix);
        while (e2e.pending() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
            e2e = BenchReport.endToEnd(db, prefix);
        }
        return e2e;
    }
}
