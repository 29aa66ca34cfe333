package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path dir;

    @Test
    void rowsGoAboveTheMarkerAndEarlierRowsStay() throws Exception {
        Path md = dir.resolve("benchmarks.md");
        Files.writeString(md, "# B\n\n| a | b |\n|---|---|\n| old | 1 |\n" + BenchReport.ROWS_END + "\n\nafter\n");
        BenchReport.appendRow(md, BenchReport.ROWS_END, "| new | 2 |");
        assertEquals("# B\n\n| a | b |\n|---|---|\n| old | 1 |\n| new | 2 |\n" + BenchReport.ROWS_END + "\n\nafter\n",
                Files.readString(md));
    }

    @Test
    void aRowNamesItsWarmUpOnlyWhenItIsNotTheDefault() {
        assertEquals("api + worker processes, AOT cache", BenchReport.mode(true, true, 150, 150));
        assertEquals("api + worker processes, AOT cache, warm-up 300 s", BenchReport.mode(true, true, 300, 150));
        assertEquals("one process, warm-up 0 s", BenchReport.mode(false, false, 0, 150));
    }

    @Test
    void aSteadyPhaseThatRefusedMoreThanOnePercentMissesTheKeepUpTarget() {
        assertEquals(
                "at 60/s, 538 of 1800 refused (42.1 docs/s accepted)",
                BenchReport.steadyRateNotAccepted("60", 1262, 538).orElseThrow());
        assertTrue(BenchReport.steadyRateNotAccepted("60", 1800, 0).isEmpty());
        assertTrue(BenchReport.steadyRateNotAccepted("60", 1782, 18).isEmpty(), "1 % refused: shed at the edge");
        assertTrue(BenchReport.steadyRateNotAccepted("60", 0, 0).isEmpty(), "no steady phase");
    }

    @Test
    void anIndexedDocumentWithoutItsIndexEntryMissesTheExactlyOnceTarget() {
        assertEquals(
                "2 INDEXED documents without their index entry",
                BenchReport.notIndexedOnce(new BenchReport.EndToEnd(100, 98, 2, 0, 96, 10, 1, 2, 3))
                        .orElseThrow());
        assertTrue(BenchReport.notIndexedOnce(new BenchReport.EndToEnd(100, 98, 2, 0, 98, 10, 1, 2, 3))
                .isEmpty());
    }

    @Test
    void aLeadInIsReportedApartFromThePhaseItPrecedes() {
        var phase = new Properties();
        assertEquals("", BenchReport.leadIn(phase), "no lead-in, nothing said");
        phase.setProperty("leadIn.seconds", "10");
        phase.setProperty("leadIn.accepted", "583");
        phase.setProperty("leadIn.failed", "17");
        assertEquals("; after a lead-in of 10 s at that rate, not counted: 583 accepted, 17 refused", BenchReport.leadIn(phase));
    }

    @Test
    void aPhaseWithRefusalsSaysWhyAndOneWithoutSaysNothing() {
        var phase = new Properties();
        phase.setProperty("latency.failed", "0");
        assertTrue(BenchReport.refusals(phase, "latency", "at 60/s").isEmpty());
        phase.setProperty("latency.failed", "15");
        phase.setProperty("latency.refusals", "15× 503 This instance is handling as many uploads as it may; retry later.");
        assertEquals(
                "    refused at 60/s: 15× 503 This instance is handling as many uploads as it may; retry later.",
                BenchReport.refusals(phase, "latency", "at 60/s").orElseThrow());
    }

    @Test
    void theDocsFileHasBothMarkers() throws Exception {
        String docs = Files.readString(Path.of("../docs/benchmarks.md"));
        assertTrue(docs.contains(BenchReport.ROWS_END));
        assertTrue(docs.contains(BenchReport.LARGE_ROWS_END));
    }

    @Test
    void gatlingsStatisticsAreReadFromItsReportTable() throws Exception {
        // The shape of a row of index.html's statistics table in Gatling 3.15.
        String row = """
                <span onmouseover="isEllipsed('x')" id="x" class="ellipsed-name">upload (saturation)</span>
                </a></div></td>
                <td class="value total col-2">1,204</td>
                <td class="value ok col-3">1200</td>
                <td class="value ko col-4">4</td>
                <td class="value ko col-5">0.33</td>
                <td class="value total col-6">20.1</td>
                <td class="value total col-7">12</td>
                <td class="value total col-8">80</td>
                <td class="value total col-9">95</td>
                <td class="value total col-10">180</td>
                <td class="value total col-11">240</td>
                <td class="value total col-12">900</td>
                </tr>
                """;
        Files.writeString(dir.resolve("index.html"), "<html>" + row + "</html>");
        GatlingReport stats = GatlingReport.read(dir, "upload (saturation)").orElseThrow();
        assertEquals(new GatlingReport(1204, 1200, 4, 80, 95, 180, 240, 900), stats);
        assertTrue(GatlingReport.read(dir, "upload (fixed rate)").isEmpty());
    }

    @Test
    void aSplitRunSaysWhereTheMachineWentWhileTheWorkerDrainedAndAOneProcessRunDoesNot() {
        var samples = List.of(
                "millis\tbusy\ttotal\tapi\tworker",
                "1000\t0\t0\t0\t0",
                "2000\t100\t200\t60\t0",
                "3000\t300\t400\t160\t0",
                "4000\t480\t600\t160\t150");
        var ceiling = new BenchReport.Window(1000, 2000, 10);
        var saturation = new BenchReport.Window(2000, 3000, 20);
        var drain = new BenchReport.Window(3000, 4000, 30);

        var split = BenchReport.machineLines(samples, 100, ceiling, saturation, drain);
        assertEquals(3, split.size());
        // 180 busy ticks for 30 documents, 150 of them the worker's (its extraction processes included): 10 ms a tick.
        assertEquals(
                "    drain: worker 50.0, the rest (load generator, system) 10.0; total 60.0 ms per document;"
                        + " machine 10 % idle",
                split.get(2));

        var oneProcess = BenchReport.machineLines(samples, 100, ceiling, saturation, null);
        assertEquals(split.subList(0, 2), oneProcess);
    }
}
