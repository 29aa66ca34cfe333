package fr.coffre.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void onlyItsOwnerMayEnterItOrReadItsFilesWhateverTheUmask() throws IOException {
        ScratchDirectory scratch = new ScratchDirectory(tmp);
        Path file = scratch.newFile("coffre-index-");

        assertEquals(tmp, scratch.directory().getParent());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(scratch.directory())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(scratch.directory(), file.getParent());
    }

    @Test
    void itIsRemovedWithItsFilesWhenTheProcessStops() throws IOException {
        ScratchDirectory scratch = new ScratchDirectory(tmp);
        Files.writeString(scratch.newFile("coffre-fhir-"), "a payload");

        scratch.remove();

        assertFalse(Files.exists(scratch.directory()));
    }

    @Test
    void whatAProcessNoLongerRunningLeftIsRemovedByTheNextOneToStart() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path left = leftBy(ended.pid(), 1_700_000_000_000L);

        new ScratchDirectory(tmp);

        assertFalse(Files.exists(left));
    }

    @Test
    void aLaterProcessWithTheSamePidAsAnEarlierOneRemovesWhatTheEarlierLeft() throws Exception {
        // In a container the service is PID 1 after every restart: the start time tells them apart.
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().orElseThrow().toEpochMilli();
        Path left = leftBy(self.pid(), started - 60_000);

        ScratchDirectory scratch = new ScratchDirectory(tmp, self);

        assertFalse(Files.exists(left));
        assertTrue(Files.isDirectory(scratch.directory()));
    }

    @Test
    void theDirectoriesOfRunningProcessesAndEverythingElseStay() throws Exception {
        Process running = new ProcessBuilder("sleep", "60").start();
        try {
            Instant started = running.info().startInstant().orElseThrow();
            Path theirs = leftBy(running.pid(), started.toEpochMilli());
            ScratchDirectory earlier = new ScratchDirectory(tmp);
            Path unrelated = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + "notes"));
            Path madeUp = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + "9".repeat(40) + "-1-1"));

            ScratchDirectory later = new ScratchDirectory(tmp);

            assertTrue(Files.exists(theirs.resolve("coffre-index-1.bin")));
            assertTrue(Files.isDirectory(earlier.directory()), "another of this process's, a test's application");
            assertTrue(Files.isDirectory(unrelated));
            assertTrue(Files.isDirectory(madeUp), "a name past a long's digits is no process's");
            assertNotEquals(earlier.directory(), later.directory());
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    private Path leftBy(long pid, long startMillis) throws IOException {
        Path directory = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + pid + "-" + startMillis + "-42"));
        Files.writeString(directory.resolve("coffre-index-1.bin"), "a document read back to be extracted");
        return directory;
    }
}
