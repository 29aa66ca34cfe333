package fr.coffre.scratch;

import fr.coffre.observability.LogSafe;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.commons.io.file.PathUtils;
import org.jboss.logging.Logger;

/**
 * This process's directory for its temporary files: documents read back to be extracted, FHIR
 * payloads decoded while a publication is read, the extraction processes' own files. It lies under
 * {@code java.io.tmpdir}, only its owner may enter it whatever the umask (the files are health
 * documents), and its name says which process made it ({@code coffre-scratch-<pid>-<n>}).
 *
 * <p>A process killed while it works (out of memory, SIGKILL after the grace period, its
 * container restarted) cannot delete what it wrote. Each process that starts removes the
 * directories of those no longer running, so the temporary space, in production a size-limited
 * {@code emptyDir} that outlives a container's restarts, does not fill up until the pod is
 * evicted. A directory's owner holds a lock on its {@code owner.lock} for as long as it runs,
 * which the kernel releases when the owner ends however it ends: neither a later process with the
 * same PID (in a container, PID 1 every time) nor a start time read again from {@code /proc}
 * (which moves with the wall clock: a step of it once made a starting worker remove the
 * directories of all the running ones) can make a running owner's directory look abandoned.
 */
@Startup
@Singleton
public class ScratchDirectory {

    private static final Logger LOG = Logger.getLogger(ScratchDirectory.class);
    static final String PREFIX = "coffre-scratch-";
    static final String LOCK = "owner.lock";
    // A name another user made up (a shared /tmp) is left alone; earlier versions named theirs <pid>-<start>-<n>.
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "\\d{1,18}(-\\d{1,20})+");
    // A directory is made before its lock: one without a lock is being made, or was left before it had one.
    static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);
    // This process's own locks: closing any channel to their files, even one opened to test them, would release them.
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel lock;

    public ScratchDirectory() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public ScratchDirectory(Path parent) {
        try {
            removeLeftovers(parent);
            directory = Files.createTempDirectory(
                    parent,
                    PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            lock = lock(directory);
            HELD.add(directory);
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
        HELD.remove(directory);
        try {
            lock.close();
        } catch (IOException e) {
            LOG.debugf("Could not close the lock of %s: %s", directory, LogSafe.describe(e));
        }
    }

    // Locked under another name first, then renamed: a process starting meanwhile never finds the lock free.
    private static FileChannel lock(Path directory) throws IOException {
        Path pending = directory.resolve(LOCK + ".new");
        FileChannel channel = FileChannel.open(pending, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                throw new IOException("the lock of " + directory + " is held by another process");
            }
            Files.move(pending, directory.resolve(LOCK), StandardCopyOption.ATOMIC_MOVE);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static void removeLeftovers(Path parent) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path entry : entries) {
                if (NAME.matcher(entry.getFileName().toString()).matches()
                        && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                        && !HELD.contains(entry)
                        && abandoned(entry)) {
                    LOG.infof("Removing %s, left by a process that is no longer running", entry);
                    delete(entry);
                }
            }
        }
    }

    // Unreadable (another user's, or removed meanwhile) counts as in use.
    private static boolean abandoned(Path directory) {
        Path lockFile = directory.resolve(LOCK);
        try {
            // Not "does not exist": another user's directory cannot be looked into, and is not ours to judge by age.
            if (Files.notExists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                Instant changed = Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS)
                        .toInstant();
                return changed.isBefore(Instant.now().minus(UNLOCKED_GRACE));
            }
            try (FileChannel channel =
                    FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                return channel.tryLock() != null;
            }
        } catch (IOException | OverlappingFileLockException e) {
            return false;
        }
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
