package fr.coffre.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import fr.coffre.document.DocumentStatus;
import java.util.UUID;

/**
 * A document's processing ended ({@code status} INDEXED today). Sent on the documents-indexed
 * topic, at least once: consumers dedupe on {@code documentId}.
 */
public record DocumentIndexed(UUID documentId, String producerId, DocumentStatus status) implements DocumentEvent {

    public static final String TYPE = "document-indexed";

    @Override
    @JsonIgnore
    public String type() {
        return TYPE;
    }
}
