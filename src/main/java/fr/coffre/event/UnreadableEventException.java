package fr.coffre.event;

/** A record whose value is not an event this version of Coffre knows. */
public class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(Throwable cause) {
        super("not a Coffre document event", cause);
    }
}
