package fr.coffre.access;

/**
 * Who is looking, and so which of a patient's documents they may see. Only INDEXED documents are
 * shown: one still being checked, or set aside, may belong to someone else.
 */
public enum Audience {
    /** The patient: not what the producer withholds until it is explained in person. */
    PATIENT("d.status = 'INDEXED' AND NOT d.withheld_from_patient"),
    /** A professional: not what the patient has hidden. */
    PROFESSIONAL("d.status = 'INDEXED' AND NOT d.hidden_from_professionals"),
    /** A professional in an emergency, stated and recorded: everything indexed. */
    EMERGENCY("d.status = 'INDEXED'"),
    /** The producer that sent them, among its own: everything indexed, what it withholds included. */
    PRODUCER("d.status = 'INDEXED'");

    final String predicate;

    Audience(String predicate) {
        this.predicate = predicate;
    }
}
