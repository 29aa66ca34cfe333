package fr.coffre.scratch;

import fr.coffre.observability.LogSafe;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.io.file.PathUtils;
import org.jboss.logging.Logger;

/**
 * This process's directory for its temporary files: documents read back to be extracted, FHIR
 * payloads decoded while a publication is read, the extraction processes' own files. It lies under
 * {@code java.io.tmpdir}, only its owner may enter it whatever the umask (the files are health
 * documents), and its name says which process made it ({@code coffre-scratch-<pid>-<start>-<n>}).
 *
 * <p>A process killed while it works (out of memory, SIGKILL after the grace period, its
 * container restarted) cannot delete what it wrote. Each process that starts removes the
 * directories of those no longer running, so the temporary space, in production a size-limited
 * {@code emptyDir} that outlives a container's restarts, does not fill up until the pod is
 * evicted. A process is told from a later one with the same PID (in a container, PID 1 every time)
 * by its start time.
 */
@Startup
@Singleton
public class ScratchDirectory {

    private static final Logger LOG = Logger.getLogger(ScratchDirectory.class);
    static final String PREFIX = "coffre-scratch-";
    // Numbers a long holds: a name another user made up (a shared /tmp) must not stop the start.
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})-(\\d{1,18})-\\d+");

    private final Path directory;

    public ScratchDirectory() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public ScratchDirectory(Path parent) {
        this(parent, ProcessHandle.current());
    }

    ScratchDirectory(Path parent, ProcessHandle self) {
        try {
            removeLeftovers(parent);
            directory = Files.createTempDirectory(
                    parent,
                    prefix(self),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("no directory for temporary files could be made in " + parent, e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** A new empty file in this directory, readable and writable by its owner only. */
    public Path newFile(String prefix) throws IOException {
        return Files.createTempFile(directory, prefix, ".bin");
    }

    /** What is left in it is of no use to the next process: a file still open is only unlinked. */
    @PreDestroy
    void remove() {
        delete(directory);
    }

    /** One process may hold more than one (a test's application restarted): each ends with a number of its own. */
    static String prefix(ProcessHandle process) {
        return PREFIX + process.pid() + "-" + startMillis(process).orElse(0L) + "-";
    }

    private static void removeLeftovers(Path parent) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher name = NAME.matcher(entry.getFileName().toString());
                if (name.matches() && !running(Long.parseLong(name.group(1)), Long.parseLong(name.group(2)))) {
                    LOG.infof("Removing %s, left by a process that is no longer running", entry);
                    delete(entry);
                }
            }
        }
    }

    private static boolean running(long pid, long startMillis) {
        return ProcessHandle.of(pid)
                .flatMap(ScratchDirectory::startMillis)
                .map(start -> start == startMillis)
                .orElse(false);
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    // Another user's directory, in a shared /tmp, cannot be deleted: it stays, and so does this process.
    private static void delete(Path tree) {
        for (int attempt = 1; ; attempt++) {
            try {
                PathUtils.deleteDirectory(tree);
                return;
            } catch (NoSuchFileException e) {
                // Part of it removed meanwhile (an extraction process's directory, as that process ended): the rest
                // again.
                if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
                    return;
                }
                if (attempt == 3) {
                    LOG.warnf("Could not remove %s: %s", tree, LogSafe.describe(e));
                    return;
                }
            } catch (IOException e) {
                LOG.warnf("Could not remove %s: %s", tree, LogSafe.describe(e));
                return;
            }
        }
    }
}
