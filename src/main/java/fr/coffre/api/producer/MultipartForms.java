package fr.coffre.api.producer;

import fr.coffre.ingest.DocumentMetadata;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The multipart bodies as /q/openapi describes them. The endpoints read the raw stream
 * themselves (nothing is buffered), so these types exist for the description only.
 */
final class MultipartForms {

    private MultipartForms() {}

    @Schema(
            name = "DocumentUpload",
            description = "Parts in this order: `metadata` (optional for a CDA whose header "
                    + "carries uniqueId, patient INS, type code, title and creation time), then `content`.")
    static final class DocumentUpload {
        @Schema(description = "The document's metadata, as JSON (Content-Type application/json).")
        public DocumentMetadata metadata;

        @Schema(
                type = SchemaType.STRING,
                format = "binary",
                description = "The document's bytes, with its media type as "
                        + "the part's Content-Type (application/pdf, text/xml for CDA, application/fhir+json, image/jpeg...). The "
                        + "part's file name is ignored.")
        public String content;
    }

    @Schema(
            name = "SubmissionUpload",
            description = "A part `manifest` first, then one part per document, named as the "
                    + "manifest's `part` fields say, in any order.")
    static final class SubmissionUpload {
        @Schema(
                description =
                        "JSON array of document metadata; each entry names in `part` the part holding its content.")
        public DocumentMetadata[] manifest;

        @Schema(
                type = SchemaType.STRING,
                format = "binary",
                description = "Any number of content parts, each named as "
                        + "in the manifest (the name `{part}` stands for each of them).")
        public String part;
    }
}
