package fr.coffre.document;

/**
 * The DMP's visibility labels, sent among a document's confidentiality codes (XDS
 * confidentialityCode, MHD securityLabel), and the visibility Coffre gives them at acceptance.
 */
public enum VisibilityLabel {
    /** Hidden from professionals ("masqué aux professionnels"): as if the patient had hidden it. */
    MASQUE_PS,
    /** Not yet visible to the patient, until it has been explained in person: withheld from them. */
    INVISIBLE_PATIENT,
    /** Not visible to the patient's legal representatives: kept, not enforced (Coffre has no such reader). */
    INVISIBLE_REPRESENTANTS_LEGAUX;

    public boolean on(DocumentEntry entry) {
        return entry.labelled(name());
    }
}
