package fr.coffre.mhd;

import fr.coffre.problem.Problem;
import fr.coffre.problem.ProblemType;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * A refusal as the FHIR door gives it: the OperationOutcome that a FHIR client reads, carrying the
 * same problem type (as a coding) and detail that the rest of the API gives as RFC 9457.
 */
public final class OperationOutcomes {

    /** The problem types, as a code system: their slugs, as in the RFC 9457 answers' type URIs. */
    public static final String PROBLEM_SYSTEM = "https://coffre.example/problems";

    /** The XDS error codes (ITI TF-3 4.2.4.1) of the problems that have one. */
    static final Map<String, String> XDS_ERRORS = Map.ofEntries(
            Map.entry(ProblemType.PATIENT_CONFLICT.slug(), "XDSPatientIdDoesNotMatch"),
            Map.entry(ProblemType.INVALID_INS.slug(), "XDSUnknownPatientId"),
            Map.entry(ProblemType.MISSING_PATIENT.slug(), "XDSUnknownPatientId"),
            Map.entry(ProblemType.UNIQUE_ID_CONFLICT.slug(), "XDSDuplicateUniqueIdInRegistry"),
            Map.entry(ProblemType.HASH_MISMATCH.slug(), "XDSRepositoryMetadataError"),
            Map.entry(ProblemType.INVALID_METADATA.slug(), "XDSRegistryMetadataError"),
            Map.entry(ProblemType.REPLACEMENT_CONFLICT.slug(), "UnresolvedReferenceException"),
            Map.entry(ProblemType.OVERLOADED.slug(), "XDSRegistryBusy"),
            Map.entry(ProblemType.DEPENDENCY_UNAVAILABLE.slug(), "XDSRepositoryError"));

    private OperationOutcomes() {}

    public static OperationOutcome of(Problem problem) {
        OperationOutcome outcome = new OperationOutcome();
        var issue = outcome.addIssue();
        if (problem.extensions().get("entry") instanceof Integer entry) {
            // The Bundle entry a publication's refusal is about, as FHIRPath
            issue.addExpression("Bundle.entry[" + entry + "]");
        }
        issue.setSeverity(problem.status() >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(issueType(problem.status()))
                .setDetails(new CodeableConcept()
                        .addCoding(new Coding(PROBLEM_SYSTEM, problem.slug(), problem.title()))
                        // The XDS error code, where one names the refusal: what MHD clients built for
                        // an XDS back end look for in details.text.
                        .setText(XDS_ERRORS.getOrDefault(problem.slug(), problem.title())))
                .setDiagnostics(problem.detail());
        return outcome;
    }

    /**
     * The answer to a folder in a publication: MHD lets a recipient that does not keep folders publish
     * the rest with this warning (XDS's PartialFolderContentNotProcessed).
     */
    public static OperationOutcome folderNotKept() {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(IssueSeverity.WARNING)
                .setCode(IssueType.NOTSUPPORTED)
                .setDetails(new CodeableConcept().setText("PartialFolderContentNotProcessed"))
                .setDiagnostics("Folders are not kept here: the documents were published, without this folder.");
        return outcome;
    }

    /** FHIR's issue type for an HTTP status, as FHIR's RESTful API pairs them. */
    static IssueType issueType(int status) {
        return switch (status) {
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 408 -> IssueType.TIMEOUT;
            case 409 -> IssueType.CONFLICT;
            case 410 -> IssueType.EXPIRED;
            case 413 -> IssueType.TOOLONG;
            case 422 -> IssueType.PROCESSING;
            case 429 -> IssueType.THROTTLED;
            case 503 -> IssueType.TRANSIENT;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID;
        };
    }
}
