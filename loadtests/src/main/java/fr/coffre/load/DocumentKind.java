package fr.coffre.load;

/** The kinds of the realistic mix, with their share by count and their usual size range. */
public enum DocumentKind {
    /** Laboratory results: CI-SIS CR-BIO CDA R2 level 3. */
    LAB_RESULT(50, 20 * Sizes.KIB, 150 * Sizes.KIB, "labo-biomed-sil"),
    /** Hospital letters: CDA R2 level 1 with an embedded PDF. */
    LETTER(20, 50 * Sizes.KIB, 500 * Sizes.KIB, "chu-lyon-dpi"),
    PDF(15, 50 * Sizes.KIB, 2 * Sizes.MIB, "imagerie-sud-ris"),
    /** JPEG or PNG. */
    IMAGE(10, 100 * Sizes.KIB, 3 * Sizes.MIB, "imagerie-sud-ris"),
    /** FHIR R4 documents as the corpus has them (a few KB; no size range of their own). */
    FHIR(5, 0, 5 * Sizes.MIB, "chu-lyon-dpi");

    /** Percent of documents, by count. */
    public final int share;
    public final long minSize;
    public final long maxSize;
    /** The producer (an OIDC client of the local realm) that sends this kind in mixed scenarios. */
    public final String producer;

    DocumentKind(int share, long minSize, long maxSize, String producer) {
        this.share = share;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.producer = producer;
    }

    /** Whether a document of this kind may be one of the large ones (5 to 20 MB). */
    public boolean mayBeLarge() {
        return this == PDF || this == IMAGE;
    }
}
