package fr.coffre.extraction;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/** {@link ExtractedContent} as JSON, from the extraction process to the worker, as it was. */
final class ExtractedContentCodec {

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
        return JSON.writeValueAsBytes(content);
    }

    static ExtractedContent decode(byte[] json) throws IOException {
        return JSON.readValue(json, ExtractedContent.class);
    }
}
