package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.tika.io.TikaInputStream;

/**
 * Files a CDA or FHIR document carries as base64 (a level-1 CDA body, FHIR attachment data):
 * decoded as a stream into a temporary file within a byte budget, then detected and, for the kinds
 * Tika reads, parsed into the document's text (images: metadata only).
 */
final class Payloads {

    /** Writes a payload's bytes. */
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Scratch scratch;
    private final ExtractionLimits limits;
    private final TikaEngine tika;
    private final TextCollector text;
    private final List<String> warnings;
    private final Map<String, String> properties;
    private int count;

    Payloads(
            Scratch scratch,
            ExtractionLimits limits,
            TikaEngine tika,
            TextCollector text,
            List<String> warnings,
            Map<String, String> properties) {
        this.scratch = scratch;
        this.limits = limits;
        this.tika = tika;
        this.text = text;
        this.warnings = warnings;
        this.properties = properties;
    }

    /** Copies a decoded payload to a temporary file. */
    Path spool(InputStream decoded, String where) throws IOException {
        return spool(out -> decoded.transferTo(out), where);
    }

    Path spool(Writer writer, String where) throws IOException {
        Path file = scratch.newFile();
        long budget = limits.maxEmbeddedBytes();
        // A payload that expands (compression) past its budget is a bomb.
        try (OutputStream out = new BoundedOutputStream(
                NewFileOutput.open(file),
                budget,
                () -> new DocumentContentException(
                        QuarantineReason.ZIP_BOMB, where + " decodes to more than " + budget + " bytes"))) {
            writer.writeTo(out);
        }
        return file;
    }

    /**
     * Indexes a decoded payload: its text for PDF, text, RTF and office files, its metadata for
     * images; anything else is left out with a warning.
     *
     * @param declaredMediaType the media type the carrying document gives it; may be null
     */
    void index(String declaredMediaType, Path file, String where) throws IOException {
        int n = ++count;
        if (Files.size(file) == 0) {
            warnings.add(where + " is empty");
            return;
        }
        TikaEngine.Sniffing sniffing = tika.sniff(file);
        ContentSniffer.Sniffed sniffed = sniffing.sniffed();
        String detected = sniffing.tikaType();
        String prefix = "payload." + n + ".";
        properties.put(prefix + "declaredMediaType", String.valueOf(declaredMediaType));
        properties.put(prefix + "mediaType", sniffed.mediaType());
        properties.put(prefix + "size", String.valueOf(Files.size(file)));
        String declared = ContentSniffer.baseType(declaredMediaType);
        if (declared != null && !declared.equals(sniffed.mediaType()) && !declared.equals(detected)) {
            warnings.add(where + " is declared " + declared + " but its bytes are " + sniffed.mediaType());
        }
        boolean keepText;
        switch (sniffed.kind()) {
            case PDF, TEXT, RTF, OFFICE -> keepText = true;
            case IMAGE -> keepText = false;
            default -> {
                warnings.add(where + " holds " + sniffed.mediaType() + ", which is not indexed");
                return;
            }
        }
        if (keepText) {
            text.lineBreak();
        }
        try (TikaInputStream in = TikaInputStream.get(file)) {
            TikaEngine.Parsed parsed = tika.parse(in, text, keepText, sniffing.certainType());
            parsed.metadata().forEach((name, value) -> properties.put(prefix + name, value));
            parsed.warnings().forEach(warning -> warnings.add(where + ": " + warning));
        }
    }
}
