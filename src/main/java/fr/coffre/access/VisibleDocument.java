package fr.coffre.access;

import fr.coffre.document.Document;

/** A document one audience may see, with its visibility flags and, for a search, its snippet. */
public record VisibleDocument(
        Document document,
        boolean hiddenFromProfessionals,
        boolean withheldFromPatient,
        boolean patientAuthored,
        String snippet) {}
