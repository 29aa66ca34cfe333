package fr.coffre.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads metadata and manifest parts: bounded in size, and strict, so that a misspelt field is
 * reported rather than silently ignored.
 */
@ApplicationScoped
public class MetadataReader {

    private final ObjectReader metadata;
    private final ObjectReader manifest;
    private final int maxSize;
    private final int maxManifestSize;

    public MetadataReader(ObjectMapper mapper, IngestConfig config) {
        ObjectMapper strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.metadata = strict.readerFor(DocumentMetadata.class);
        this.manifest = strict.readerFor(DocumentMetadata[].class);
        this.maxSize = config.maxMetadataSize();
        this.maxManifestSize = config.maxManifestSize();
    }

    public DocumentMetadata metadata(InputStream part) {
        return read(metadata, part, "metadata", maxSize);
    }

    public DocumentMetadata[] manifest(InputStream part) {
        return read(manifest, part, "manifest", maxManifestSize);
    }

    private static <T> T read(ObjectReader reader, InputStream part, String what, int maxSize) {
        byte[] bytes;
        try {
            bytes = part.readNBytes(maxSize + 1);
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The " + what + " part could not be read.");
        }
        if (bytes.length > maxSize) {
            throw new ProblemException(ProblemType.REQUEST_TOO_LARGE, "The " + what + " part is larger than " + maxSize + " bytes.");
        }
        try {
            T value = reader.readValue(bytes);
            if (value == null) {
                throw new ProblemException(ProblemType.INVALID_METADATA, "The " + what + " part is empty.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(ProblemType.INVALID_METADATA, "The " + what + " has an unknown field \""
                    + e.getPropertyName() + "\".");
        } catch (JsonProcessingException e) {
            throw new ProblemException(ProblemType.INVALID_METADATA, "The " + what + " part is not valid JSON of the expected shape: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "The " + what + " part could not be read.");
        }
    }
}
