package fr.coffre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart block, run with bash as a reader would paste it, against the packaged
 * service (its port instead of 8080) and the local stack: it must upload, find and download the
 * sample, or the README is wrong.
 */
@QuarkusIntegrationTest
class QuickstartIT {

    private static final Pattern BLOCK = Pattern.compile("### Quickstart[^\\n]*\\n.*?```sh\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theReadmesQuickstartUploadsFindsAndDownloadsTheSample() throws Exception {
        Matcher block = BLOCK.matcher(Files.readString(Path.of("README.md")));
        assertTrue(block.find(), "README.md has a Quickstart section with a sh block");
        String script = block.group(1).replace("http://127.0.0.1:8080", "http://127.0.0.1:" + RestAssured.port);

        Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
                .redirectErrorStream(true)
                .start();
        boolean ended = bash.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            bash.destroyForcibly();
        }
        String output = output(bash);
        assertTrue(ended, "the quickstart did not end in 2 minutes:\n" + output);
        assertEquals(0, bash.exitValue(), "the quickstart failed:\n" + output);
        assertTrue(output.matches("(?s).*stored as [0-9a-f-]{36}\\n.*"), output);
        assertTrue(output.contains("glyc"), "the search found the report:\n" + output);
        assertTrue(output.contains("downloaded: identical to what was sent"), output);
    }

    private static String output(Process process) throws IOException {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
