package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

    @Test
    void aProcessLineIsReadPastACommandNameWithSpacesAndParentheses() {
        // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17) ...
        String line = "4242 (kafka (broker) x) S 7 4242 4242 0 -1 4194560 100 0 0 0 30 12 5 3 20 0 50 0 1 2 3";
        assertArrayEquals(new long[] {7, 30 + 12 + 5 + 3}, MachineCpu.stat(line));
    }

    @Test
    void theMachinesBusyTimeLeavesOutIdleAndIowait() {
        long[] ticks = MachineCpu.machineTicks("cpu  100 5 50 1000 40 3 2 7 0 0");
        assertEquals(100 + 5 + 50 + 3 + 2 + 7, ticks[0]);
        assertEquals(ticks[0] + 1000 + 40, ticks[1]);
    }

    @Test
    void eachRootCountsEveryProcessUnderItOnceAndNothingElse() {
        Map<Long, long[]> processes = Map.of(
                1L, new long[] {0, 1000}, // init: not named
                10L, new long[] {1, 200}, // postmaster, with its reaped backends in cutime
                11L, new long[] {10, 30}, // a backend
                12L, new long[] {11, 4}, // under the backend
                20L, new long[] {1, 70}); // a server on its own
        var ticks = MachineCpu.treeTicks(processes, MachineCpu.roots("PostgreSQL=10,Kafka=20,worker=,gone=99"));
        assertEquals(List.of("PostgreSQL", "Kafka", "worker", "gone"), List.copyOf(ticks.keySet()));
        assertEquals(234L, ticks.get("PostgreSQL"));
        assertEquals(70L, ticks.get("Kafka"));
        assertEquals(0L, ticks.get("worker"));
        assertEquals(0L, ticks.get("gone"));
    }

    @Test
    void aPhaseIsMeasuredFromTheSampleBeforeItToTheSampleAfterItAndACutLastLineIsIgnored() {
        List<String> names = new ArrayList<>();
        var samples = MachineCpu.read(
                List.of(
                        "millis\tbusy\ttotal\tapi\tS3 server",
                        "1000\t10\t100\t1\t2",
                        "1500\t20\t200\t5\t4",
                        "2000\t60\t300\t25\t14",
                        "2500\t160\t400\t65\t54",
                        "3000\t170"),
                names);
        assertEquals(List.of("api", "S3 server"), names);
        assertEquals(4, samples.size());

        var usage = MachineCpu.between(samples, names, 1600, 2400);
        assertEquals(1.0, usage.seconds());
        assertEquals(140, usage.busy());
        assertEquals(200, usage.total());
        assertEquals(Map.of("api", 60L, "S3 server", 50L), usage.processes());
        // 100 documents, 100 ticks a second (10 ms each): api 6 ms, S3 5 ms, the rest 3 ms of 14; 30 % idle.
        String line = MachineCpu.perDocument(usage, 100, 100);
        assertEquals(
                "api 6.0, S3 server 5.0, the rest (load generator, system) 3.0; total 14.0 ms per document;"
                        + " machine 30 % idle",
                line);

        assertNull(MachineCpu.between(samples, names, 500, 2000), "samples began after the phase did");
        assertNull(MachineCpu.between(samples, names, 1000, 2600), "samples ended before the phase did");
        assertTrue(MachineCpu.perDocument(null, 10, 100).contains("not sampled"));
    }
}
