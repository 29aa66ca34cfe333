package fr.coffre.extraction;

import com.fasterxml.jackson.databind.JsonNode;
import fr.coffre.document.Identifier;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds the document metadata in a FHIR resource tree, as read from JSON or from XML (where every
 * element is an array: the accessors here take the first item of an array and a lone value alike).
 */
final class FhirDocumentExtractor {

    private static final String OID_PREFIX = "urn:oid:";
    private static final String PATIENT_QUERY = "Patient?";

    private FhirDocumentExtractor() {}

    static FhirDocumentInfo extract(JsonNode resource) {
        String resourceType = text(resource, "resourceType");
        if (resourceType == null) {
            throw new DocumentContentException("not a FHIR resource: resourceType is missing");
        }
        return switch (resourceType) {
            case "DocumentReference", "Composition" -> describe(resourceType, resource, null);
            case "Bundle" -> describe(resourceType, documentIn(resource), resource);
            default ->
                throw new DocumentContentException(
                        "the FHIR resource is not a DocumentReference, Composition or Bundle");
        };
    }

    private static JsonNode documentIn(JsonNode bundle) {
        String type = text(bundle, "type");
        if (!"document".equals(type) && !"transaction".equals(type)) {
            throw new DocumentContentException("Bundle.type must be document or transaction");
        }
        List<JsonNode> resources = items(bundle, "entry").stream()
                .map(entry -> object(entry, "resource"))
                .filter(Objects::nonNull)
                .toList();
        // A document Bundle is described by its Composition; a transaction carries DocumentReferences.
        String preferred = "document".equals(type) ? "Composition" : "DocumentReference";
        String other = "document".equals(type) ? "DocumentReference" : "Composition";
        JsonNode document = firstOfType(resources, preferred);
        if (document == null) {
            document = firstOfType(resources, other);
        }
        if (document == null) {
            throw new DocumentContentException("the Bundle holds no DocumentReference or Composition");
        }
        return document;
    }

    private static FhirDocumentInfo describe(String resourceType, JsonNode document, JsonNode bundle) {
        boolean isReference = "DocumentReference".equals(text(document, "resourceType"));
        String title;
        String masterIdentifier;
        if (isReference) {
            title = text(document, "description");
            if (title == null) {
                title = items(document, "content").stream()
                        .map(content -> text(object(content, "attachment"), "title"))
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null);
            }
            masterIdentifier = text(object(document, "masterIdentifier"), "value");
        } else {
            title = text(document, "title");
            JsonNode identifier = bundle != null && "document".equals(text(bundle, "type"))
                    ? object(bundle, "identifier")
                    : object(document, "identifier");
            masterIdentifier = text(identifier, "value");
        }
        String date = text(document, "date");
        OffsetDateTime parsedDate = date == null ? null : FhirDateTime.parse(date, "the document date");
        return new FhirDocumentInfo(
                resourceType,
                patientIds(document, bundle),
                coding(object(document, "type")),
                title == null ? null : title.strip(),
                parsedDate,
                masterIdentifier);
    }

    private static CodedValue coding(JsonNode concept) {
        JsonNode coding = object(concept, "coding");
        if (coding == null) {
            return null;
        }
        return new CodedValue(text(coding, "code"), text(coding, "system"), text(coding, "display"));
    }

    /**
     * The subject's identifiers; failing that, those of the source patient or of any contained
     * Patient (MHD submissions describe the patient there when the subject is a bare query).
     */
    private static List<Identifier> patientIds(JsonNode document, JsonNode bundle) {
        List<Identifier> ids = referencedPatientIds(object(document, "subject"), document, bundle);
        if (ids.isEmpty()) {
            ids = referencedPatientIds(object(object(document, "context"), "sourcePatientInfo"), document, bundle);
        }
        if (ids.isEmpty()) {
            ids = items(document, "contained").stream()
                    .map(FhirDocumentExtractor::patientIdentifiers)
                    .filter(found -> !found.isEmpty())
                    .findFirst()
                    .orElse(List.of());
        }
        return ids;
    }

    private static List<Identifier> referencedPatientIds(JsonNode reference, JsonNode document, JsonNode bundle) {
        if (reference == null) {
            return List.of();
        }
        String target = text(reference, "reference");
        List<Identifier> ids = target == null ? List.of() : resolvedPatientIds(target, document, bundle);
        if (ids.isEmpty()) {
            Identifier logical = identifier(object(reference, "identifier"));
            ids = logical == null ? List.of() : List.of(logical);
        }
        return ids;
    }

    private static List<Identifier> resolvedPatientIds(String target, JsonNode document, JsonNode bundle) {
        if (target.startsWith("#")) {
            return patientIdentifiers(withId(items(document, "contained"), target.substring(1)));
        }
        if (target.startsWith(PATIENT_QUERY)) {
            return queriedIdentifiers(target.substring(PATIENT_QUERY.length()));
        }
        return bundle == null ? List.of() : patientIdentifiers(bundleEntry(bundle, target));
    }

    /** {@code Patient?identifier=system|value}: the conditional reference MHD and PDSm use. */
    private static List<Identifier> queriedIdentifiers(String query) {
        List<Identifier> ids = new ArrayList<>();
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals < 0 || !decode(parameter.substring(0, equals)).equals("identifier")) {
                continue;
            }
            String token = decode(parameter.substring(equals + 1));
            int bar = token.indexOf('|');
            if (bar > 0 && bar < token.length() - 1) {
                ids.add(new Identifier(bareOid(token.substring(0, bar)), token.substring(bar + 1)));
            }
        }
        return ids;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DocumentContentException("the subject reference is not a valid search query");
        }
    }

    private static JsonNode bundleEntry(JsonNode bundle, String reference) {
        for (JsonNode entry : items(bundle, "entry")) {
            JsonNode resource = object(entry, "resource");
            if (resource == null) {
                continue;
            }
            String relative = text(resource, "resourceType") + "/" + text(resource, "id");
            if (reference.equals(text(entry, "fullUrl")) || reference.equals(relative)) {
                return resource;
            }
        }
        return null;
    }

    private static List<Identifier> patientIdentifiers(JsonNode resource) {
        if (resource == null || !"Patient".equals(text(resource, "resourceType"))) {
            return List.of();
        }
        return items(resource, "identifier").stream()
                .map(FhirDocumentExtractor::identifier)
                .filter(Objects::nonNull)
                .toList();
    }

    private static Identifier identifier(JsonNode identifier) {
        String system = text(identifier, "system");
        String value = text(identifier, "value");
        return system == null || value == null ? null : new Identifier(bareOid(system), value);
    }

    private static String bareOid(String system) {
        return system.startsWith(OID_PREFIX) ? system.substring(OID_PREFIX.length()) : system;
    }

    private static JsonNode firstOfType(List<JsonNode> resources, String resourceType) {
        return resources.stream()
                .filter(resource -> resourceType.equals(text(resource, "resourceType")))
                .findFirst()
                .orElse(null);
    }

    private static JsonNode withId(List<JsonNode> resources, String id) {
        return resources.stream()
                .filter(resource -> id.equals(text(resource, "id")))
                .findFirst()
                .orElse(null);
    }

    // Tree accessors. A wrong JSON type (a string where an object belongs, say) is malformed FHIR.

    private static List<JsonNode> items(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            return List.of(value);
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    private static JsonNode object(JsonNode node, String name) {
        List<JsonNode> items = items(node, name);
        if (items.isEmpty()) {
            return null;
        }
        if (!items.get(0).isObject()) {
            throw new DocumentContentException("FHIR element " + name + " must be an object");
        }
        return items.get(0);
    }

    private static String text(JsonNode node, String name) {
        List<JsonNode> items = items(node, name);
        if (items.isEmpty() || items.get(0).isNull()) {
            return null;
        }
        if (!items.get(0).isTextual()) {
            throw new DocumentContentException("FHIR element " + name + " must be a string");
        }
        return items.get(0).asText();
    }
}
