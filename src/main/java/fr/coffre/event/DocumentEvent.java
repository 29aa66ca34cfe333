package fr.coffre.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.UUID;

/**
 * What Coffre announces about a document on Kafka. The JSON form (a {@code type} discriminator and
 * the record's components) is written down in {@code events/document-events.schema.json}, which
 * other teams' consumers rely on: change a record and its schema together ({@code EventCodecTest}
 * fails when they differ). Encoded and decoded only by {@link EventCodec}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DocumentStored.class, name = DocumentStored.TYPE),
    @JsonSubTypes.Type(value = DocumentIndexed.class, name = DocumentIndexed.TYPE)
})
public sealed interface DocumentEvent permits DocumentStored, DocumentIndexed {

    UUID documentId();

    /** The {@code type} it is sent with. */
    String type();
}
