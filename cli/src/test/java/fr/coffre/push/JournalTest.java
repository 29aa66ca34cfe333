package fr.coffre.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @Test
    void aSecondRunSkipsOnlyTheSameBytesAtTheSamePathThatWereAccepted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("push.journal");
        try (Journal journal = new Journal(file)) {
            journal.record(List.of(
                    new Journal.Entry("/a.xml", "aaa", "created", "id-1"),
                    new Journal.Entry("/b.xml", "bbb", "duplicate", "id-2"),
                    new Journal.Entry("/c.xml", "ccc", "rejected", "invalid-ins: the key does not check")));
        }
        // A line cut by a crash in the middle of its write is ignored.
        Files.writeString(file, "/d.xml\tddd\tcrea", StandardOpenOption.APPEND);

        try (Journal again = new Journal(file)) {
            assertNotNull(again.acceptedBefore("/a.xml", "aaa"));
            assertEquals("id-2", again.acceptedBefore("/b.xml", "bbb").detail());
            assertNull(again.acceptedBefore("/a.xml", "changed"), "other bytes at the same path are sent again");
            assertNull(again.acceptedBefore("/c.xml", "ccc"), "a rejected document is sent again");
            assertNull(again.acceptedBefore("/d.xml", "ddd"));
        }
    }
}
