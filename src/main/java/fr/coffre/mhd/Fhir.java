package fr.coffre.mhd;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import fr.coffre.problem.ProblemException;
import fr.coffre.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI FHIR's R4 context, built once (it reflects over the model classes as they are first used),
 * and the resources written with it. Its parsers are not thread-safe: one per call, which is cheap.
 */
@ApplicationScoped
public class Fhir {

    private final FhirContext context = FhirContext.forR4Cached();

    public String write(IBaseResource resource, FhirFormat format) {
        var parser = format == FhirFormat.XML ? context.newXmlParser() : context.newJsonParser();
        return parser.encodeResourceToString(resource);
    }

    /**
     * The resource a JSON text holds, read strictly: an element FHIR R4 does not define, or a
     * value of the wrong type, is refused rather than dropped.
     */
    public <T extends IBaseResource> T read(Class<T> type, String json) {
        return read(type, json, FhirFormat.JSON);
    }

    /** The same, from XML that holds no DOCTYPE (XmlPayloadScanner refused any). */
    public <T extends IBaseResource> T readXml(Class<T> type, String xml) {
        return read(type, xml, FhirFormat.XML);
    }

    private <T extends IBaseResource> T read(Class<T> type, String text, FhirFormat format) {
        try {
            var parser = format == FhirFormat.XML ? context.newXmlParser() : context.newJsonParser();
            return parser.setParserErrorHandler(new StrictErrorHandler()).parseResource(type, text);
        } catch (DataFormatException e) {
            throw new ProblemException(
                    ProblemType.MALFORMED_REQUEST,
                    "The body is not a valid FHIR R4 " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
