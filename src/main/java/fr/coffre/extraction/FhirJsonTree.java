package fr.coffre.extraction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Reads FHIR JSON into a tree, within limits on size and nesting, leaving out the elements that
 * can be large and are never needed here: base64 payloads and XHTML narratives.
 */
final class FhirJsonTree {

    private static final Set<String> LEFT_OUT = Set.of("data", "div");

    private static final TokenFilter LEAVE_OUT_PAYLOADS = new TokenFilter() {
        @Override
        public TokenFilter includeProperty(String name) {
            return LEFT_OUT.contains(name) ? null : this;
        }
    };

    private final ObjectMapper mapper;

    FhirJsonTree(int maxDepth, long maxBytes) {
        this.mapper = new ObjectMapper(factory(maxDepth, maxBytes));
    }

    /** A JSON factory that enforces the limits and leaves the caller's stream open. */
    static JsonFactory factory(int maxDepth, long maxBytes) {
        return JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
    }

    JsonNode read(InputStream in) {
        try (JsonParser parser = mapper.createParser(in);
                JsonParser filtered = new FilteringParserDelegate(
                        parser, LEAVE_OUT_PAYLOADS, TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            JsonNode tree = mapper.readTree(filtered);
            if (tree == null || !tree.isObject()) {
                throw new DocumentContentException("FHIR JSON must be a single resource object");
            }
            if (parser.nextToken() != null) {
                throw new DocumentContentException("FHIR JSON has content after the resource");
            }
            return tree;
        } catch (StreamConstraintsException e) {
            throw new DocumentContentException(
                    e.getMessage() != null && e.getMessage().contains("depth")
                            ? QuarantineReason.TOO_DEEP
                            : QuarantineReason.TOO_LARGE,
                    "FHIR JSON exceeds the size or nesting limits",
                    e);
        } catch (JsonProcessingException e) {
            throw new DocumentContentException("FHIR JSON is not well-formed" + position(e.getLocation()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String position(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
