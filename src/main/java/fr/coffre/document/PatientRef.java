package fr.coffre.document;

/** A patient as the API names one: the INS number and its OID system. */
public record PatientRef(String id, String system) {

    public Identifier identifier() {
        return new Identifier(system, id);
    }

    public static PatientRef of(Identifier identifier) {
        return new PatientRef(identifier.value(), identifier.system());
    }
}
