package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

/** The extraction process's own set-up, in a JVM started as ForkedExtractor starts one. */
class ExtractionChildTest {

    @Test
    void librariesInTheExtractionProcessBuildNoLogRecords() throws Exception {
        assertEquals("debug=false info=false warn=false error=false", run(LoggingProbe.class));
    }

    /** Reports what a library's logger would build once the extraction process has set logging up. */
    public static final class LoggingProbe {
        public static void main(String[] args) {
            ExtractionChild.quietLogging();
            var fontbox = LogFactory.getLog("org.apache.fontbox.ttf.gsub.GlyphSubstitutionDataExtractor");
            System.out.print("debug=" + fontbox.isDebugEnabled() + " info=" + fontbox.isInfoEnabled() + " warn="
                    + fontbox.isWarnEnabled() + " error=" + fontbox.isErrorEnabled());
        }
    }

    private static String run(Class<?> main) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                        "-cp",
                        System.getProperty("java.class.path"),
                        main.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
