package fr.coffre.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import fr.coffre.document.Code;
import java.util.List;

/**
 * A submission set's own XDS metadata, as an MHD publication's List gives them.
 *
 * @param uniqueId           the set's unique id (XDS SubmissionSet.uniqueId)
 * @param sourceId           the publishing system's id (XDS sourceId)
 * @param contentTypeCode    the kind of activity the set comes from (XDS contentTypeCode)
 * @param intendedRecipients who the set is meant for (XDS intendedRecipient), as given
 * @param title              its title
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmissionSetMetadata(
        String uniqueId, String sourceId, Code contentTypeCode, List<String> intendedRecipients, String title) {

    public static final SubmissionSetMetadata NONE = new SubmissionSetMetadata(null, null, null, null, null);

    public SubmissionSetMetadata {
        intendedRecipients =
                intendedRecipients == null || intendedRecipients.isEmpty() ? null : List.copyOf(intendedRecipients);
    }
}
