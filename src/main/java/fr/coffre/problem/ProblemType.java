package fr.coffre.problem;

/** Every kind of problem Coffre answers with, its HTTP status and a stable slug for its type URI. */
public enum ProblemType {
    MALFORMED_REQUEST(400, "malformed-request", "The request is malformed"),
    UNAUTHENTICATED(401, "unauthenticated", "A valid bearer token is required"),
    FORBIDDEN(403, "forbidden", "This token does not allow the operation"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    REQUEST_TIMEOUT(408, "request-timeout", "The request's body came too slowly"),
    UNIQUE_ID_CONFLICT(409, "unique-id-conflict", "This unique id was already used for other content"),
    PATIENT_CONFLICT(409, "patient-conflict", "The declared patient differs from the document's"),
    RECORD_CLOSED(409, "record-closed", "The patient has closed their record"),
    REPLACEMENT_CONFLICT(409, "replacement-conflict", "The document to replace cannot be replaced"),
    CARE_TEAM_DECIDED(409, "care-team-decided", "The patient decided about this care team themselves"),
    SEARCH_EXPIRED(410, "search-expired", "The search this link names is no longer kept"),
    RANGE_NOT_SATISFIABLE(416, "range-not-satisfiable", "The requested range lies outside the document"),
    EMERGENCY_ACCESS_REFUSED(403, "emergency-access-refused", "The patient refuses emergency access"),
    PROFESSIONAL_NOT_AUTHORISED(
            403, "professional-not-authorised", "The patient has not authorised you to read their record"),
    DOCUMENT_TOO_LARGE(413, "document-too-large", "The document is larger than allowed"),
    REQUEST_TOO_LARGE(413, "request-too-large", "The request is larger than allowed"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "This media type is not accepted"),
    MEDIA_TYPE_MISMATCH(415, "media-type-mismatch", "The content is not of the declared type"),
    EMPTY_DOCUMENT(422, "empty-document", "The document is empty"),
    INVALID_METADATA(422, "invalid-metadata", "The metadata are invalid"),
    MISSING_PATIENT(422, "missing-patient", "No patient identifier (INS) was found"),
    INVALID_INS(422, "invalid-ins", "The patient identifier is not a valid INS"),
    INVALID_CONTENT(422, "invalid-content", "The document's content is not acceptable"),
    MISSING_PART(422, "missing-part", "The manifest names a part the request did not carry"),
    UNEXPECTED_PART(422, "unexpected-part", "The request carries a part the manifest does not name"),
    HASH_MISMATCH(422, "hash-mismatch", "The content does not match the declared sha256"),
    QUOTA_EXCEEDED(429, "quota-exceeded", "This producer is sending faster than its quota"),
    TOO_MANY_PATIENTS(429, "too-many-patients", "You read too many different patients' records in a short time"),
    INTERNAL_ERROR(500, "internal-error", "An unexpected error occurred"),
    OVERLOADED(503, "overloaded", "The service is at capacity"),
    DEPENDENCY_UNAVAILABLE(503, "dependency-unavailable", "A server the service depends on is unavailable");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }
}
