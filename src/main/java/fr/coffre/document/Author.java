package fr.coffre.document;

/** Who wrote a document: a person (RPPS/ADELI) or a device, and their institution (FINESS). */
public record Author(String id, String system, String name, String institution) {}
