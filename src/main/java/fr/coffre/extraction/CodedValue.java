package fr.coffre.extraction;

/** A code from a code system (CDA {@code CD}, FHIR {@code Coding}); any part may be null. */
public record CodedValue(String code, String codeSystem, String displayName) {}
