package fr.coffre.api;

import fr.coffre.access.PatientDocumentRepository;
import fr.coffre.access.PatientDocumentRepository.CodeMatch;
import fr.coffre.access.PatientDocumentRepository.XdsCodeField;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.ws.rs.QueryParam;
import java.util.ArrayList;
import java.util.List;

/** The query of a list of one patient's documents, the same for the patient and for a professional. */
public class DocumentListQuery {

    @QueryParam("cursor")
    public String cursor;

    @QueryParam("limit")
    public Integer limit;

    @QueryParam("typeCode")
    public String typeCode;

    @QueryParam("classCode")
    public String classCode;

    @QueryParam("from")
    public String from;

    @QueryParam("to")
    public String to;

    @QueryParam("producer")
    public String producer;

    @QueryParam("q")
    public String q;

    @QueryParam("formatCode")
    public String formatCode;

    @QueryParam("practiceSettingCode")
    public String practiceSettingCode;

    @QueryParam("healthcareFacilityTypeCode")
    public String healthcareFacilityTypeCode;

    @QueryParam("eventCode")
    public String eventCode;

    @QueryParam("confidentialityCode")
    public String confidentialityCode;

    @QueryParam("author")
    public String author;

    public PatientDocumentRepository.Filter filter() {
        List<CodeMatch> codes = new ArrayList<>();
        code(codes, XdsCodeField.FORMAT, formatCode);
        code(codes, XdsCodeField.PRACTICE_SETTING, practiceSettingCode);
        code(codes, XdsCodeField.FACILITY_TYPE, healthcareFacilityTypeCode);
        code(codes, XdsCodeField.EVENT, eventCode);
        code(codes, XdsCodeField.CONFIDENTIALITY, confidentialityCode);
        return PatientDocumentRepository.Filter.of(
                        typeCode,
                        classCode,
                        QueryParams.instant("from", from),
                        QueryParams.instant("to", to),
                        producer,
                        q)
                .with(codes, author);
    }

    /** A code as {@code code} (any system) or {@code system|code}, the system as Coffre keeps it (an OID). */
    private static void code(List<CodeMatch> codes, XdsCodeField field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        int bar = value.indexOf('|');
        String code = value.substring(bar + 1);
        if (code.isBlank()) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "A code filter is code or system|code.");
        }
        codes.add(new CodeMatch(field, code, bar <= 0 ? null : List.of(value.substring(0, bar))));
    }

    public int pageSize() {
        return QueryParams.limit(limit);
    }
}
