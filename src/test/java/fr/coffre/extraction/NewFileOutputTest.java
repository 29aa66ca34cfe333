package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewFileOutputTest {

    @TempDir
    Path directory;

    @Test
    void writesIntoTheFileMadeForItWithoutTruncatingIt() throws IOException {
        // Bytes already there stay past what is written: the file was opened without O_TRUNC,
        // which is what spares ext4 its write-back to disk as the file is closed.
        Path file = Files.createTempFile(directory, "new-", ".bin");
        Files.writeString(file, "0123456789");

        try (OutputStream out = NewFileOutput.open(file)) {
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
        }

        assertArrayEquals("abc3456789".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file));
    }

    @Test
    void doesNotMakeAgainAFileDeletedMeanwhile() throws IOException {
        Path file = Files.createTempFile(directory, "new-", ".bin");
        Files.delete(file);

        assertThrows(NoSuchFileException.class, () -> NewFileOutput.open(file).close());
        assertFalse(Files.exists(file), "no file made with the umask's permissions");
    }
}
