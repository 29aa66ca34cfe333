package fr.coffre.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one way document events become Kafka record values and back, for the outbox, the workers,
 * the dead-letter replay and the tests. Its own mapper, not the REST layer's: the wire format must
 * not change when the API's JSON settings do. Fields a newer producer adds are ignored.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventCodec() {}

    public static String encode(DocumentEvent event) {
        try {
            return MAPPER.writerFor(DocumentEvent.class).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event could not be written as JSON", e);
        }
    }

    public static DocumentEvent decode(String value) {
        if (value == null) {
            throw new UnreadableEventException(null);
        }
        try {
            DocumentEvent event = MAPPER.readValue(value, DocumentEvent.class);
            if (event == null || event.documentId() == null) {
                throw new UnreadableEventException(null);
            }
            return event;
        } catch (JsonProcessingException e) {
            throw new UnreadableEventException(e);
        }
    }
}
