package fr.coffre.mhd;

import ca.uhn.fhir.context.FhirContext;
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

    public FhirContext context() {
        return context;
    }
}
