package fr.coffre.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        run(Duration.ofMinutes(5), verb, server);
    }

    /** What a run of stack/stack ended with: its exit code and its output (stdout and stderr). */
    public record Outcome(int exitCode, String output) {}

    /** Runs {@code stack/stack arguments...}, with the test's environment; its output (stdout and stderr). */
    public static String run(Duration timeout, String... arguments) {
        Outcome outcome = attempt(timeout, arguments);
        if (outcome.exitCode() != 0) {
            throw new AssertionError("stack " + String.join(" ", arguments) + " failed: " + outcome.output());
        }
        return outcome.output();
    }

    /** Runs {@code stack/stack arguments...}, with the test's environment, whatever it exits with. */
    public static Outcome attempt(Duration timeout, String... arguments) {
        Path script = Path.of(System.getProperty("coffre.stack", "stack/stack"));
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        String what = "stack " + String.join(" ", arguments);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .start();
            // Read while it runs: a full pipe would block the script.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(what + " did not finish in " + timeout);
            }
            return new Outcome(process.exitValue(), output.join());
        } catch (IOException e) {
            throw new AssertionError("could not run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
