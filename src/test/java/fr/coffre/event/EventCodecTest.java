package fr.coffre.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import fr.coffre.document.DocumentStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    static final UUID ID = UUID.fromString("6f1c1b8e-2d3a-4a57-9a34-1f0e4e2b9c11");

    @Test
    void aStoredEventGoesToJsonAndBackUnchanged() {
        var event = new DocumentStored(
                ID,
                "690781810",
                "documents/6f/" + ID,
                "application/pdf",
                "ab".repeat(32),
                1234,
                null,
                OffsetDateTime.parse("2026-11-30T09:40:40.123456Z"));
        assertEquals(event, EventCodec.decode(EventCodec.encode(event)));
        JsonObject json = new JsonObject(EventCodec.encode(event));
        assertEquals("document-stored", json.getString("type"));
        assertEquals("2026-11-30T09:40:40.123456Z", json.getString("receivedAt"));
        assertEquals(1234, json.getLong("size"));
    }

    @Test
    void anIndexedEventGoesToJsonAndBackUnchanged() {
        var event = new DocumentIndexed(ID, "690781810", DocumentStatus.INDEXED);
        assertEquals(event, EventCodec.decode(EventCodec.encode(event)));
        assertEquals("document-indexed", new JsonObject(EventCodec.encode(event)).getString("type"));
    }

    @Test
    void eventsWrittenBeforeTheCodecExistedAreStillRead() {
        // As the outbox held them before the events were typed (jsonb's own spacing, offsets kept).
        String old = "{\"size\": 80811, \"type\": \"document-stored\", \"sha256\": \"" + "0".repeat(64) + "\", "
                + "\"replaces\": null, \"mediaType\": \"text/xml\", \"objectKey\": \"documents/6f/x\", \"documentId\": \""
                + ID
                + "\", \"producerId\": \"750056335\", \"receivedAt\": \"2026-11-23T10:15:30.5+01:00\"}";
        DocumentStored stored = assertInstanceOf(DocumentStored.class, EventCodec.decode(old));
        assertEquals(ID, stored.documentId());
        assertEquals(OffsetDateTime.parse("2026-11-23T10:15:30.5+01:00"), stored.receivedAt());
        assertNull(stored.replaces());
    }

    @Test
    void fieldsANewerVersionAddsAreIgnored() {
        String newer = "{\"type\":\"document-indexed\",\"documentId\":\"" + ID
                + "\",\"producerId\":\"p\",\"status\":\"INDEXED\"," + "\"indexedBy\":\"worker-7\"}";
        assertEquals(new DocumentIndexed(ID, "p", DocumentStatus.INDEXED), EventCodec.decode(newer));
    }

    @Test
    void anythingElseIsUnreadableRatherThanAFailureOfAnotherKind() {
        for (String value : new String[] {
            null,
            "",
            "not json",
            "[]",
            "{}",
            "{\"type\":\"document-erased\",\"documentId\":\"" + ID + "\"}",
            "{\"type\":\"document-stored\"}",
            "{\"type\":\"document-stored\",\"documentId\":\"not-a-uuid\"}"
        }) {
            assertThrows(UnreadableEventException.class, () -> EventCodec.decode(value), String.valueOf(value));
        }
    }

    @Test
    void theSchemaFileNamesExactlyTheFieldsOfEachEvent() throws IOException {
        JsonObject defs = schema().getJsonObject("$defs");
        assertFields(defs.getJsonObject(DocumentStored.TYPE), DocumentStored.class, Set.of("replaces"));
        assertFields(defs.getJsonObject(DocumentIndexed.TYPE), DocumentIndexed.class, Set.of());
        assertEquals(Set.of(DocumentStored.TYPE, DocumentIndexed.TYPE), defs.fieldNames());
    }

    @Test
    void redeliveryHeadersGoAndComeBack() {
        RecordHeaders headers = new RecordHeaders();
        new Redelivery(3, 1_764_000_000_000L, "storage unavailable").writeTo(headers);
        assertEquals(new Redelivery(3, 1_764_000_000_000L, "storage unavailable"), Redelivery.readFrom(headers));
        assertEquals(new Redelivery(1, 0, null), Redelivery.readFrom(new RecordHeaders()), "a bare redelivered record");
    }

    private static void assertFields(JsonObject definition, Class<? extends Record> event, Set<String> optional) {
        Set<String> components =
                Arrays.stream(event.getRecordComponents()).map(c -> c.getName()).collect(Collectors.toSet());
        Set<String> expected = new HashSet<>(components);
        expected.add("type");
        assertEquals(
                expected, definition.getJsonObject("properties").fieldNames(), event.getSimpleName() + " properties");
        Set<String> required = new HashSet<>(expected);
        required.removeAll(optional);
        assertEquals(
                required,
                new HashSet<>(((JsonArray) definition.getValue("required")).getList()),
                event.getSimpleName() + " required fields");
    }

    private static JsonObject schema() throws IOException {
        try (InputStream in = EventCodecTest.class.getResourceAsStream("/events/document-events.schema.json")) {
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
