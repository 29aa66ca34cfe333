package fr.coffre.document;

/**
 * Who wrote a document: a person (RPPS/ADELI) or a device, their institution (FINESS), and as XDS
 * has them, the person's role (authorRole) and specialty (authorSpecialty).
 */
public record Author(String id, String system, String name, String institution, Code role, Code specialty) {

    public Author(String id, String system, String name, String institution) {
        this(id, system, name, institution, null, null);
    }
}
