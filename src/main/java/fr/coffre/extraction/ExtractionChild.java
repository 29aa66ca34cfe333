package fr.coffre.extraction;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The process {@link ForkedExtractor} starts: extracts the files it is sent, one at a time, with
 * an in-process {@link DocumentExtractor}, and answers on its standard output. A parse past its
 * deadline is answered {@code parse-timeout}, then the process exits: that is what stops a parser
 * that ignores interruption. Arguments: the {@link ExtractionLimits} components in order.
 */
public final class ExtractionChild {

    /**
     * Written once the extractor is loaded. A token rather than a byte: the JVM may print before
     * {@code main} runs (a flight recording's start does, whatever the logging options say).
     */
    static final byte[] READY = "\ncoffre-extraction-ready\n".getBytes(StandardCharsets.US_ASCII);

    static final int EXTRACTED = 0;
    static final int REFUSED = 1;
    static final int FAILED = 2;

    private ExtractionChild() {}

    public static void main(String[] args) throws IOException {
        quietLogging();
        // The protocol owns the real standard output; whatever a library prints goes to stderr.
        DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        ExtractionLimits limits = new ExtractionLimits(
                Long.parseLong(args[0]),
                Integer.parseInt(args[1]),
                Duration.ofMillis(Long.parseLong(args[2])),
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]),
                Integer.parseInt(args[5]),
                Long.parseLong(args[6]),
                0);
        try (DocumentExtractor extractor = new DocumentExtractor(limits)) {
            out.write(READY);
            out.flush();
            while (true) {
                String file;
                try {
                    file = in.readUTF();
                } catch (EOFException e) {
                    return; // the parent closed: done
                }
                boolean stop = answer(extractor, Path.of(file), out);
                out.flush();
                if (stop) {
                    // A parse still runs on an abandoned thread: only the end of the process stops it.
                    Runtime.getRuntime().halt(0);
                }
            }
        }
    }

    /**
     * Leaves libraries nothing to log. This process runs with its parent's log manager, whose
     * start-up configuration (Quarkus's) takes every level and holds the records until the
     * application sets logging up, which never happens here: PDFBox, fontbox and Tika built every
     * debug message of every document (a few percent of the extraction's CPU), for nothing. Their
     * warnings went the same way: to stderr, which the parent discards, after PDFBox's font
     * warnings had walked the stack for their caller's name (1 % of these processes' CPU in a
     * profile of the worker's drain).
     */
    public static void quietLogging() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.OFF);
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
    }

    /** True when the extraction was abandoned and this process must end. */
    private static boolean answer(DocumentExtractor extractor, Path file, DataOutputStream out) throws IOException {
        try {
            ExtractedContent content = extractor.extract(file);
            byte[] json = ExtractedContentCodec.encode(content);
            out.writeByte(EXTRACTED);
            out.writeInt(json.length);
            out.write(json);
            return false;
        } catch (DocumentContentException e) {
            out.writeByte(REFUSED);
            out.writeUTF(e.reason().name());
            out.writeUTF(shortened(e.getMessage()));
            return e.reason() == QuarantineReason.PARSE_TIMEOUT || extractor.abandonedParsesRunning() > 0;
        } catch (IOException | RuntimeException e) {
            out.writeByte(FAILED);
            out.writeUTF(shortened(e.getClass().getSimpleName() + ": " + e.getMessage()));
            return extractor.abandonedParsesRunning() > 0;
        }
    }

    private static String shortened(String message) {
        String m = message == null ? "" : message;
        return m.length() > 2000 ? m.substring(0, 2000) : m;
    }
}
