package fr.coffre.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault campaign of issue 15, short (a minute of load, every kind of fault at least once) in
 * the test suite, long with {@code ./coffre chaos}: nothing acknowledged is lost or damaged,
 * everything reaches a final status, no object is left without its row, and no client ever got a
 * 500 or a 503 without Retry-After.
 */
class ChaosIT {

    @Test
    void nothingAcknowledgedIsLostWhileProcessesAndServersFail() throws Exception {
        ChaosReport report = ChaosCampaign.fromSystemProperties().run();
        String text = report.markdown();
        Files.writeString(Path.of("target", "chaos-report.md"), text);
        System.out.println(text);
        assertTrue(report.acknowledged() > 0, "the producers got documents through");
        assertEquals(0, report.missing(), text);
        assertEquals(0, report.damaged(), text);
        assertEquals(0L, report.orphans(), text);
        assertEquals(List.of(), report.violations(), text);
    }
}
