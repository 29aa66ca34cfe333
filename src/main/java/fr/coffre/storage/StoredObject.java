package fr.coffre.storage;

/** Where a document's bytes were stored, and what they were. */
public record StoredObject(String key, String sha256, long size) {}
