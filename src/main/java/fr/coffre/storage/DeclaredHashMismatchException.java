package fr.coffre.storage;

/**
 * A document whose bytes are not those its producer declared the SHA-256 of. Object storage has
 * refused them, or holds them under the key until the caller deletes it.
 */
public final class DeclaredHashMismatchException extends Exception {

    private final String actual;

    DeclaredHashMismatchException(String actual) {
        super("the content's sha256 is not the declared one", null, false, false);
        this.actual = actual;
    }

    /** The content's own SHA-256, hex. */
    public String actual() {
        return actual;
    }
}
