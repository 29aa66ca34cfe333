package fr.coffre.api;

import fr.coffre.access.PatientDocumentRepository;
import jakarta.ws.rs.QueryParam;

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

    public PatientDocumentRepository.Filter filter() {
        return PatientDocumentRepository.Filter.of(
                typeCode, classCode, QueryParams.instant("from", from), QueryParams.instant("to", to), producer, q);
    }

    public int pageSize() {
        return QueryParams.limit(limit);
    }
}
