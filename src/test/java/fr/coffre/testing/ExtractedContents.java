package fr.coffre.testing;

import fr.coffre.document.Identifier;
import fr.coffre.extraction.CodedValue;
import fr.coffre.extraction.ContentKind;
import fr.coffre.extraction.ExtractedContent;
import java.util.List;
import java.util.Map;

/**
 * What extraction would have found, for tests of what is done with it: only the fields a test sets,
 * the others as extraction leaves them when the kind of document does not carry them.
 */
public final class ExtractedContents {

    private final ContentKind kind;
    private final String mediaType;
    private String text = "texte";
    private String uniqueId;
    private List<Identifier> patientIds = List.of();
    private CodedValue code;
    private String title;
    private String confidentialityCode;

    private ExtractedContents(ContentKind kind, String mediaType) {
        this.kind = kind;
        this.mediaType = mediaType;
    }

    /** A document of this kind whose bytes were detected as {@code mediaType} by both Coffre and Tika. */
    public static ExtractedContents of(ContentKind kind, String mediaType) {
        return new ExtractedContents(kind, mediaType);
    }

    public ExtractedContents text(String text) {
        this.text = text;
        return this;
    }

    public ExtractedContents uniqueId(String uniqueId) {
        this.uniqueId = uniqueId;
        return this;
    }

    public ExtractedContents patientIds(List<Identifier> patientIds) {
        this.patientIds = patientIds;
        return this;
    }

    public ExtractedContents code(CodedValue code) {
        this.code = code;
        return this;
    }

    public ExtractedContents title(String title) {
        this.title = title;
        return this;
    }

    public ExtractedContents confidentialityCode(String confidentialityCode) {
        this.confidentialityCode = confidentialityCode;
        return this;
    }

    public ExtractedContent build() {
        return new ExtractedContent(
                kind,
                mediaType,
                mediaType,
                text,
                false,
                uniqueId,
                patientIds,
                code,
                title,
                null,
                null,
                confidentialityCode,
                null,
                null,
                null,
                null,
                null,
                Map.of(),
                List.of());
    }
}
