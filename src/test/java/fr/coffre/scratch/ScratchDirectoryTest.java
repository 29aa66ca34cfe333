package fr.coffre.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
    void aProcessKilledWhileItWorkedHasItsDirectoryRemovedByTheNextOneToStart() throws Exception {
        Process owner = startOwner();
        Path theirs = Path.of(owner.inputReader().readLine());
        Files.writeString(theirs.resolve("coffre-index-1.bin"), "a document read back to be extracted");
        owner.destroyForcibly().waitFor();

        new ScratchDirectory(tmp);

        assertFalse(Files.exists(theirs));
    }

    @Test
    void aRunningProcessKeepsItsDirectoryWhateverItsStartTimeReadsLaterOrItsPidIs() throws Exception {
        // The start time a process reads of another moves with the wall clock; a name made with it once, read again
        // after a step of the clock, made every running worker's directory look abandoned.
        Process owner = startOwner();
        try {
            Path made = Path.of(owner.inputReader().readLine());
            long started = owner.info().startInstant().orElseThrow().toEpochMilli();
            Path theirs = Files.move(
                    made, tmp.resolve(ScratchDirectory.PREFIX + owner.pid() + "-" + (started - 1000) + "-7"));
            Files.writeString(theirs.resolve("coffre-index-1.bin"), "a document read back to be extracted");

            new ScratchDirectory(tmp);

            assertTrue(Files.exists(theirs.resolve("coffre-index-1.bin")));
        } finally {
            owner.destroyForcibly().waitFor();
        }
    }

    @Test
    void whatAnEarlierProcessWithThisPidLeftIsRemoved() throws Exception {
        // In a container the service is PID 1 after every restart: its predecessor's lock is free.
        Path left = leftBy(ProcessHandle.current().pid());
        Files.createFile(left.resolve(ScratchDirectory.LOCK));

        ScratchDirectory scratch = new ScratchDirectory(tmp);

        assertFalse(Files.exists(left));
        assertTrue(Files.isDirectory(scratch.directory()));
    }

    @Test
    void aDirectoryWithoutALockIsRemovedOnlyOnceItIsOlderThanTheTimeToMakeOne() throws Exception {
        // Left by a version before the lock, or by a process killed between making the directory and locking it.
        Path old = leftBy(4_000_000);
        Files.setLastModifiedTime(
                old,
                FileTime.from(
                        Instant.now().minus(ScratchDirectory.UNLOCKED_GRACE).minusSeconds(5)));
        Path beingMade = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + "4000001-1"));

        new ScratchDirectory(tmp);

        assertFalse(Files.exists(old));
        assertTrue(Files.isDirectory(beingMade));
    }

    @Test
    void thisProcesssOtherDirectoriesAndEverythingElseStay() throws Exception {
        ScratchDirectory earlier = new ScratchDirectory(tmp);
        Path unrelated = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + "notes"));
        Path madeUp = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + "9".repeat(40) + "-1-1"));
        Files.setLastModifiedTime(madeUp, FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        ScratchDirectory later = new ScratchDirectory(tmp);
        // Had the later one opened the earlier one's lock to test it, closing that channel would have released it.
        new ScratchDirectory(tmp);

        assertTrue(Files.isDirectory(earlier.directory()), "another of this process's, a test's application");
        assertTrue(Files.exists(earlier.directory().resolve(ScratchDirectory.LOCK)));
        assertTrue(Files.isDirectory(unrelated));
        assertTrue(Files.isDirectory(madeUp), "a name past a long's digits is no process's");
        assertNotEquals(earlier.directory(), later.directory());
    }

    private Process startOwner() throws IOException {
        return new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ScratchDirectoryOwner.class.getName(),
                        tmp.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private Path leftBy(long pid) throws IOException {
        Path directory = Files.createDirectory(tmp.resolve(ScratchDirectory.PREFIX + pid + "-1700000000000-42"));
        Files.writeString(directory.resolve("coffre-index-1.bin"), "a document read back to be extracted");
        return directory;
    }
}
