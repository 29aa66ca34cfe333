package fr.coffre.extraction;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writing into a temporary file just made for it ({@code Files.createTempFile}: empty, its owner's
 * only). Opened neither truncated nor created: ext4 writes back to disk, as it is closed, a file
 * that was truncated when opened (its {@code auto_da_alloc} safeguard for files rewritten in
 * place), which for each document read back doubled the CPU of its file and made the worker wait
 * for the disk; and a file deleted meanwhile is not made again with the umask's permissions.
 */
public final class NewFileOutput {

    private NewFileOutput() {}

    public static OutputStream open(Path newFile) throws IOException {
        return Files.newOutputStream(newFile, StandardOpenOption.WRITE);
    }
}
