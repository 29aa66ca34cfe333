package fr.coffre.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operating system the image needs under its Java runtime, taken from this machine (Debian 12)
 * rather than from a base image no registry here serves: a shell for the ENTRYPOINT, the shared
 * libraries the shell and the runtime load, the accounts, and the directories a process expects.
 */
final class SystemLayer {

    /** The shell the ENTRYPOINT runs, at /bin/sh as in Debian: dash. */
    static final Path SHELL = Path.of("/bin/dash");

    /**
     * The runtime's libraries for a display and sound. The service runs headless and never loads
     * them, so what they link (X11, ALSA) stays out of the image.
     */
    static final Set<String> DISPLAY_AND_SOUND =
            Set.of("libawt_xawt.so", "libjawt.so", "libjsound.so", "libsplashscreen.so");

    /** Loaded by glibc itself with dlopen, which ldd cannot see: it unwinds exiting and cancelled threads. */
    static final String UNWINDER = "libgcc_s.so.1";

    private static final Pattern FOUND = Pattern.compile("^\\s*(\\S+)(?: => (/\\S+))? \\(0x[0-9a-f]+\\)$");
    private static final Pattern MISSING = Pattern.compile("^\\s*(\\S+) => not found$");

    private SystemLayer() {}

    /** The layer for a runtime linked in {@code runtime} and the image's {@code account}. */
    static LayerTarball of(Path runtime, Dockerfile.Account account) throws IOException {
        LayerTarball layer = new LayerTarball();
        layer.file("/bin/sh", SHELL, 0755);
        Set<String> libraries = new TreeSet<>(sharedLibraries(SHELL, runtime));
        for (Path binary : binaries(runtime)) {
            libraries.addAll(sharedLibraries(binary, runtime));
        }
        String libc = libraries.stream()
                .filter(l -> l.endsWith("/libc.so.6"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("ldd found no libc"));
        libraries.add(Path.of(libc).resolveSibling(UNWINDER).toString());
        for (String library : libraries) {
            // The file itself where ldd found it: the image has no /lib -> usr/lib link to follow.
            layer.file(library, Path.of(library).toRealPath(), 0755);
        }
        layer.file("/etc/passwd", text("root:x:0:0:root:/root:/bin/sh", passwd(account)), 0644);
        layer.file("/etc/group", text("root:x:0:", account.name() + ":x:" + account.gid() + ":"), 0644);
        // Host names from /etc/hosts, which a container runtime writes, then DNS.
        layer.file("/etc/nsswitch.conf", text("passwd: files", "group: files", "hosts: files dns"), 0644);
        layer.directory("/root", 0700);
        layer.directory("/tmp", 01777);
        // The working directory, root's: the service reads its files there and cannot write them.
        layer.directory(account.home(), 0755);
        return layer;
    }

    private static String passwd(Dockerfile.Account account) {
        return String.join(
                ":",
                account.name(),
                "x",
                String.valueOf(account.uid()),
                String.valueOf(account.gid()),
                account.name(),
                account.home(),
                account.shell());
    }

    private static byte[] text(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The runtime's executables and shared libraries, but those for a display or sound. */
    private static List<Path> binaries(Path runtime) throws IOException {
        try (Stream<Path> walk = Files.walk(runtime)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !DISPLAY_AND_SOUND.contains(f.getFileName().toString()))
                    .filter(SystemLayer::isElf)
                    .sorted()
                    .toList();
        }
    }

    private static boolean isElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), new byte[] {0x7f, 'E', 'L', 'F'});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code ldd} says {@code binary} loads, outside the runtime, by the paths it found them at. */
    static List<String> sharedLibraries(Path binary, Path runtime) throws IOException {
        Process ldd = new ProcessBuilder("ldd", binary.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!ldd.waitFor(30, TimeUnit.SECONDS) || ldd.exitValue() != 0) {
                throw new IllegalStateException("ldd " + binary + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Path inside = runtime.toAbsolutePath().normalize();
        List<String> libraries = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher found = FOUND.matcher(line);
            Matcher missing = MISSING.matcher(line);
            if (found.matches()) {
                String path = found.group(2) != null ? found.group(2) : found.group(1);
                if (path.startsWith("/") && !Path.of(path).normalize().startsWith(inside)) {
                    libraries.add(path);
                }
            } else if (missing.matches()) {
                // The runtime's own libraries (libjvm.so) are found at run time through its paths.
                try (Stream<Path> walk = Files.walk(inside)) {
                    if (walk.noneMatch(f -> f.getFileName().toString().equals(missing.group(1)))) {
                        throw new IllegalStateException(binary + " needs " + missing.group(1) + ", found nowhere");
                    }
                }
            } else if (!line.isBlank() && !line.contains("statically linked")) {
                throw new IllegalStateException("ldd " + binary + ": unexpected line " + line);
            }
        }
        return libraries;
    }
}
