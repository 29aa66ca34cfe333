package fr.coffre.document;

public enum DocumentStatus {
    /** Bytes stored, row and event committed; waiting for extraction. */
    STORED,
    INDEXED,
    QUARANTINED,
    FAILED,
    /** A newer version replaced it. */
    SUPERSEDED,
    /** Deleted by its author; kept as a record. */
    DELETED
}
