package fr.coffre.ingest;

import fr.coffre.document.Document;
import fr.coffre.document.DocumentStatus;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.util.Optional;

/**
 * When a new version may supersede an old one (XDS RPLC): the old one must be the same producer's,
 * still live, and about the same patient. Another producer's document is answered as a missing one.
 */
public final class ReplacementRule {

    private ReplacementRule() {}

    /** Throws the replacement-conflict problem when {@code replacement} may not supersede {@code previous}. */
    public static void check(String producerId, Optional<Document> previous, Document replacement) {
        if (previous.isEmpty() || !previous.get().producerId().equals(producerId)) {
            throw conflict("You have no document " + replacement.replaces() + " to replace.");
        }
        Document old = previous.get();
        if (old.status() == DocumentStatus.SUPERSEDED || old.status() == DocumentStatus.DELETED) {
            throw conflict("Document " + old.id() + " is " + old.status() + " and cannot be replaced.");
        }
        if (!old.patient().equals(replacement.patient())) {
            throw conflict("A replacement must concern the same patient as the document it replaces.");
        }
    }

    private static ProblemException conflict(String detail) {
        return new ProblemException(ProblemType.REPLACEMENT_CONFLICT, detail);
    }
}
