package fr.coffre.ingest;

import fr.coffre.extraction.ContentKind;
import fr.coffre.storage.DocumentHead;
import jakarta.enterprise.context.ApplicationScoped;

/** Reads what a document says about itself, from its head, before it is stored. */
@ApplicationScoped
public class ContentInspector {

    public ContentFacts inspect(ContentKind kind, DocumentHead head) {
        return ContentFacts.NONE;
    }
}
