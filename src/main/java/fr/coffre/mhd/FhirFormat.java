package fr.coffre.mhd;

import java.util.List;
import java.util.Locale;

/**
 * The two ways a FHIR resource is written: chosen by {@code _format} when the client gives it (FHIR's
 * override of Accept), else by the first Accept entry that names one, else JSON.
 */
public enum FhirFormat {
    JSON("application/fhir+json"),
    XML("application/fhir+xml");

    public final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /**
     * @param format  the {@code _format} parameter, or null
     * @param accepts the Accept header's media types, in order of preference
     */
    public static FhirFormat negotiate(String format, List<String> accepts) {
        return negotiate(format, accepts, JSON);
    }

    /** The same, with {@code otherwise} when neither names a format (the request body's, for a publication). */
    public static FhirFormat negotiate(String format, List<String> accepts, FhirFormat otherwise) {
        if (format != null && !format.isBlank()) {
            FhirFormat named = named(format);
            if (named != null) {
                return named;
            }
        }
        for (String accept : accepts) {
            FhirFormat named = named(accept);
            if (named != null) {
                return named;
            }
        }
        return otherwise;
    }

    /** The format of a request body, by its Content-Type: XML when it says so, else JSON. */
    public static FhirFormat ofBody(String contentType) {
        return contentType != null && named(contentType) == XML ? XML : JSON;
    }

    private static FhirFormat named(String value) {
        String v = value.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        return switch (v) {
            case "json", "application/json", "application/fhir+json", "application/json+fhir" -> JSON;
            case "xml", "text/xml", "application/xml", "application/fhir+xml", "application/xml+fhir" -> XML;
            default -> null;
        };
    }
}
