package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads metadata and manifest parts: bounded in size, and strict, so that a misspelt field is
 * reported rather than silently ignored.
 */
@ApplicationScoped
public class MetadataReader {

    static final String INCOMPLETE_PATIENT = "patient needs both id (the INS) and system (its OID).";

    /**
     * The top-level fields of a metadata object, from the records themselves: Jackson cannot refuse
     * unknown fields beside an unwrapped entry, so they are checked here.
     */
    static final Set<String> FIELDS = fields(DocumentMetadata.class);

    private final ObjectMapper strict;
    private final int maxSize;
    private final int maxManifestSize;

    public MetadataReader(ObjectMapper mapper, IngestConfig config) {
        this.strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.maxSize = config.maxMetadataSize();
        this.maxManifestSize = config.maxManifestSize();
    }

    public DocumentMetadata metadata(InputStream part) {
        JsonNode node = read(part, "metadata", maxSize);
        check(node, "metadata");
        return convert(node, DocumentMetadata.class, "metadata");
    }

    /**
     * A submission's manifest, a JSON array of metadata objects, read entry by entry: past
     * {@code maxEntries} it is refused at once, before the rest is even parsed.
     */
    public List<DocumentMetadata> manifest(InputStream part, int maxEntries) {
        byte[] bytes = bytes(part, "manifest", maxManifestSize);
        try (JsonParser parser = strict.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ProblemException(ProblemType.INVALID_METADATA, "The manifest part is empty.");
            }
            if (first != JsonToken.START_ARRAY) {
                throw new ProblemException(
                        ProblemType.INVALID_METADATA, "The manifest must be a JSON array of metadata objects.");
            }
            List<DocumentMetadata> entries = new ArrayList<>();
            for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                if (next == null) {
                    throw new ProblemException(
                            ProblemType.INVALID_METADATA, "The manifest part ends inside its array.");
                }
                if (entries.size() == maxEntries) {
                    throw new ProblemException(
                            ProblemType.REQUEST_TOO_LARGE,
                            "A submission may hold at most " + maxEntries
                                    + " documents; send the others in further submissions.");
                }
                JsonNode entry = strict.readTree(parser);
                check(entry, "manifest");
                entries.add(convert(entry, DocumentMetadata.class, "manifest"));
            }
            return entries;
        } catch (JsonProcessingException e) {
            throw shape("manifest", e);
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The manifest part could not be read.");
        }
    }

    private static byte[] bytes(InputStream part, String what, int maxSize) {
        byte[] bytes;
        try {
            bytes = part.readNBytes(maxSize + 1);
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The " + what + " part could not be read.");
        }
        if (bytes.length > maxSize) {
            throw new ProblemException(
                    ProblemType.REQUEST_TOO_LARGE, "The " + what + " part is larger than " + maxSize + " bytes.");
        }
        return bytes;
    }

    private JsonNode read(InputStream part, String what, int maxSize) {
        byte[] bytes = bytes(part, what, maxSize);
        try {
            JsonNode node = strict.readTree(bytes);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new ProblemException(ProblemType.INVALID_METADATA, "The " + what + " part is empty.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw shape(what, e);
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The " + what + " part could not be read.");
        }
    }

    private static void check(JsonNode node, String what) {
        if (!node.isObject()) {
            return; // refused by the conversion, with the expected shape
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw unknown(what, name);
            }
        }
        JsonNode patient = node.get("patient");
        if (patient != null
                && patient.isObject()
                && !(patient.path("id").isTextual() && patient.path("system").isTextual())) {
            throw new ProblemException(ProblemType.INVALID_METADATA, INCOMPLETE_PATIENT);
        }
    }

    private <T> T convert(JsonNode node, Class<T> type, String what) {
        try {
            return strict.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw unknown(what, e.getPropertyName());
        } catch (JsonProcessingException e) {
            throw shape(what, e);
        }
    }

    private static ProblemException unknown(String what, String name) {
        return new ProblemException(
                ProblemType.INVALID_METADATA, "The " + what + " has an unknown field \"" + name + "\".");
    }

    private static ProblemException shape(String what, JsonProcessingException e) {
        return new ProblemException(
                ProblemType.INVALID_METADATA,
                "The " + what + " part is not valid JSON of the expected shape: " + e.getOriginalMessage());
    }

    // Jackson's annotations reach a record component's accessor, not the component itself.
    private static Set<String> fields(Class<?> type) {
        Set<String> names = new LinkedHashSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getAccessor().isAnnotationPresent(JsonUnwrapped.class)) {
                names.addAll(fields(component.getType()));
            } else {
                names.add(component.getName());
            }
        }
        return Set.copyOf(names);
    }
}
