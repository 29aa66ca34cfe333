package fr.coffre.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Drives stack/stack from a test, as an operator would from a shell. */
public final class LocalStack {

    private LocalStack() {}

    public static void stop(String server) {
        run("stop", server);
    }

    public static void start(String server) {
        run("start", server);
    }

    /** SIGSTOP: the server hangs without dying, its connections stay open and unanswered. */
    public static void pause(String server) {
        run("pause", server);
    }

    public static void resume(String server) {
        run("resume", server);
    }

    private static void run(String verb, String server) {
        Path script = Path.of(System.getProperty("coffre.stack", "stack/stack"));
        try {
            Process process = new ProcessBuilder("bash", script.toString(), verb, server)
                    .redirectErrorStream(true)
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("stack " + verb + " " + server + " did not finish in 5 minutes");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError("stack " + verb + " " + server + " failed: " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
