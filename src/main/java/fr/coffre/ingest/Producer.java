package fr.coffre.ingest;

/** The organisation sending documents, as its token names it (FINESS number), never as the request does. */
public record Producer(String id, String name) {}
