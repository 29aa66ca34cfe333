package fr.coffre.document;

/** An identifier in a system: an OID (bare, without urn:oid:) or a URI, and a value. */
public record Identifier(String system, String value) {
}
