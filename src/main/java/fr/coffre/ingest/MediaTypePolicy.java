package fr.coffre.ingest;

import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.ContentSniffer.Sniffed;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which declared media types Coffre accepts, and which real kinds of content each may hold. The
 * kind comes from the bytes; a disagreement is refused before anything is stored.
 */
public final class MediaTypePolicy {

    private static final Set<ContentKind> XML_DOCUMENTS = Set.of(ContentKind.CDA, ContentKind.FHIR_XML);
    private static final Map<String, Set<ContentKind>> ACCEPTED = Map.ofEntries(
            Map.entry("application/xml", XML_DOCUMENTS),
            Map.entry("text/xml", XML_DOCUMENTS),
            Map.entry("application/hl7-cda+xml", Set.of(ContentKind.CDA)),
            Map.entry("application/hl7-v3+xml", Set.of(ContentKind.CDA)),
            Map.entry("application/fhir+xml", Set.of(ContentKind.FHIR_XML)),
            Map.entry("application/fhir+json", Set.of(ContentKind.FHIR_JSON)),
            Map.entry("application/json", Set.of(ContentKind.FHIR_JSON)),
            Map.entry("application/pdf", Set.of(ContentKind.PDF)),
            Map.entry("image/jpeg", Set.of(ContentKind.IMAGE)),
            Map.entry("image/png", Set.of(ContentKind.IMAGE)),
            Map.entry("image/tiff", Set.of(ContentKind.IMAGE)),
            Map.entry("text/plain", Set.of(ContentKind.TEXT)),
            Map.entry("application/rtf", Set.of(ContentKind.RTF)),
            Map.entry("text/rtf", Set.of(ContentKind.RTF)),
            Map.entry("application/msword", Set.of(ContentKind.OFFICE)),
            Map.entry("application/vnd.ms-excel", Set.of(ContentKind.OFFICE)),
            Map.entry(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Set.of(ContentKind.ZIP)),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Set.of(ContentKind.ZIP)),
            Map.entry("application/vnd.oasis.opendocument.text", Set.of(ContentKind.ZIP)),
            Map.entry("application/vnd.oasis.opendocument.spreadsheet", Set.of(ContentKind.ZIP)));

    private MediaTypePolicy() {}

    /** The media type without parameters, lower-case; null when absent. */
    public static String essence(String mediaType) {
        if (mediaType == null || mediaType.isBlank()) {
            return null;
        }
        int semicolon = mediaType.indexOf(';');
        return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    /** The real kind of the content, once it has been shown to agree with the declared type. */
    public static ContentKind check(String declared, Sniffed sniffed) {
        if (declared == null) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Declare the document's media type in metadata.mediaType or the content part's Content-Type.");
        }
        Set<ContentKind> allowed = ACCEPTED.get(declared);
        if (allowed == null) {
            throw new ProblemException(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Documents of type " + declared
                            + " are not accepted. Accepted: CDA R2 and FHIR (XML or JSON), PDF, JPEG, PNG, TIFF, plain text, RTF and office documents.");
        }
        // An image must be the very image type it claims to be, not just any image.
        boolean imageMatches =
                sniffed.kind() != ContentKind.IMAGE || sniffed.mediaType().equals(declared);
        boolean xmlToCheck =
                sniffed.kind() == ContentKind.XML && allowed.stream().anyMatch(XML_DOCUMENTS::contains);
        if ((!allowed.contains(sniffed.kind()) || !imageMatches) && !xmlToCheck) {
            throw new ProblemException(
                    ProblemType.MEDIA_TYPE_MISMATCH,
                    "The declared type " + declared + " does not match the type detected from the content, "
                            + sniffed.mediaType() + ".");
        }
        return sniffed.kind();
    }
}
