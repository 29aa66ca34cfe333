package fr.coffre.access;

import fr.coffre.ingest.Producer;

/**
 * Someone other than the patient reading a patient's documents, as their token names them.
 *
 * @param kind         professional or producer
 * @param id           RPPS number of a professional, FINESS number of a producer
 * @param organisation the organisation they act for
 * @param role         the token's role that allowed the read
 */
public record Reader(String kind, String id, String organisation, String role) {

    /** A producer reading or changing its own documents. */
    public static Reader producer(Producer producer) {
        return new Reader("producer", producer.id(), producer.name(), "producer");
    }
}
