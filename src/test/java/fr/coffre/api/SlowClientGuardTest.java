package fr.coffre.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlowClientGuardTest {

    static final long SECOND = 1_000_000_000L;

    final AtomicLong now = new AtomicLong(1);
    final SlowClientGuard.Pace pace = new SlowClientGuard.Pace(now::get, 10 * SECOND, 1024);

    @Test
    void aClientThatStopsSendingIsCutOffAfterTheIdleTimeout() {
        pace.waiting();
        now.addAndGet(9 * SECOND);
        assertFalse(pace.tooSlow());
        now.addAndGet(2 * SECOND);
        assertTrue(pace.tooSlow());
    }

    @Test
    void aTrickleIsCutOffOnceItHasBeenWaitedForLongEnough() {
        for (int i = 0; i < 20; i++) {
            pace.waiting();
            now.addAndGet(SECOND); // one byte a second
            pace.received(1);
            assertTrue(i < 10 || pace.tooSlow(), "after " + i + " s");
        }
        assertTrue(pace.tooSlow());
    }

    @Test
    void timeSpentByCoffreItselfDoesNotCount() {
        for (int i = 0; i < 100; i++) {
            pace.waiting();
            now.addAndGet(SECOND / 100); // the client sends 64 KiB in 10 ms
            pace.received(64 * 1024);
            now.addAndGet(5 * SECOND); // then Coffre stores it, slowly: not the client's fault
        }
        assertFalse(pace.tooSlow());
    }
}
