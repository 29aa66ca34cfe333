package fr.coffre.ingest;

import fr.coffre.document.Identifier;
import fr.coffre.document.PatientKey;

/** The organisation sending documents, as its token names it (FINESS number), never as the request does. */
public record Producer(String id, String name) {

    /** A patient adding to their own record, admitted and rate-limited under a pseudonymous key. */
    public static Producer patient(Identifier patient) {
        return new Producer("patient:" + PatientKey.of(patient), "Patient");
    }
}
