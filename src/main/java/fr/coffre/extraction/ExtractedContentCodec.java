package fr.coffre.extraction;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * {@link ExtractedContent} from the extraction process to the worker, as it was: its text as UTF-8
 * bytes, then the rest as JSON. The text is most of the answer: written and read as a JSON string
 * it cost both processes a pass of escaping over each character (about 0.1 ms for the 80 KB texts
 * of the bench's mix); as bytes the JDK's intrinsics encode and decode it.
 */
final class ExtractedContentCodec {

    private static final int NO_TEXT = -1;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Keep each time's own offset, as the document wrote it.
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // Derived values (ins()) are written too, and recomputed on reading.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ExtractedContentCodec() {}

    static byte[] encode(ExtractedContent content) throws IOException {
        byte[] text = content.text() == null ? null : content.text().getBytes(StandardCharsets.UTF_8);
        byte[] rest = JSON.writeValueAsBytes(withText(content, null));
        int textLength = text == null ? 0 : text.length;
        ByteBuffer answer = ByteBuffer.allocate(Integer.BYTES + textLength + rest.length);
        answer.putInt(text == null ? NO_TEXT : text.length);
        if (text != null) {
            answer.put(text);
        }
        return answer.put(rest).array();
    }

    static ExtractedContent decode(byte[] answer) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(answer);
        try {
            int textLength = in.getInt();
            if (textLength < NO_TEXT || textLength > in.remaining()) {
                throw new IOException("an answer announcing " + textLength + " bytes of text in " + answer.length);
            }
            String text = textLength == NO_TEXT
                    ? null
                    : new String(answer, in.position(), textLength, StandardCharsets.UTF_8);
            int rest = in.position() + Math.max(textLength, 0);
            ExtractedContent content = JSON.readValue(answer, rest, answer.length - rest, ExtractedContent.class);
            return withText(content, text);
        } catch (BufferUnderflowException e) {
            throw new IOException("an answer of " + answer.length + " bytes", e);
        }
    }

    private static ExtractedContent withText(ExtractedContent c, String text) {
        return new ExtractedContent(
                c.kind(),
                c.detectedMediaType(),
                c.tikaMediaType(),
                text,
                c.textTruncated(),
                c.uniqueId(),
                c.patientIds(),
                c.code(),
                c.title(),
                c.effectiveTime(),
                c.effectiveDateTime(),
                c.confidentialityCode(),
                c.authorId(),
                c.authorName(),
                c.authorOrganization(),
                c.cdaHeader(),
                c.fhirDocument(),
                c.properties(),
                c.warnings());
    }
}
