package fr.coffre.extraction;

/** What a document really is, judged from its bytes. */
public enum ContentKind {
    CDA,
    FHIR_XML,
    FHIR_JSON,
    XML,
    JSON,
    PDF,
    IMAGE,
    TEXT,
    RTF,
    OFFICE,
    ZIP,
    EXECUTABLE,
    UNKNOWN
}
