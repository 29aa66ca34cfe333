package fr.coffre.ingest;

/** The request body is not the multipart/form-data it claims to be: the client's mistake, a 400. */
public class MalformedMultipartException extends RuntimeException {

    public MalformedMultipartException(String message) {
        super(message);
    }
}
