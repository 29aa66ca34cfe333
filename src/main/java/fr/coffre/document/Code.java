package fr.coffre.document;

/** A coded value: a LOINC type code, for example. */
public record Code(String code, String system, String display) {}
