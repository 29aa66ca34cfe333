package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.testing.ExtractedContents;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsistencyCheckTest {

    private static final Identifier INS_TEST = new Identifier(Ins.NIR_TEST, "279035121518989");
    private static final Identifier OTHER_INS = new Identifier(Ins.NIR, "277076322082910");
    private static final CodedValue LAB_REPORT = new CodedValue("11502-2", "2.16.840.1.113883.6.1", null);

    @Test
    void acceptsTheDeclaredPatientAndType() {
        ConsistencyCheck.Report report = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(
                        new Identifier("urn:oid:" + Ins.NIR_TEST, "279035121518989"),
                        new CodedValue("11502-2", "http://loinc.org", null),
                        "text/xml"),
                cda(List.of(new Identifier("1.2.3", "IPP"), INS_TEST), LAB_REPORT));

        assertTrue(report.consistent(), report.toString());
    }

    @Test
    void quarantinesADocumentAboutAnotherPatient() {
        ConsistencyCheck.Report report = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(OTHER_INS, null, null), cda(List.of(INS_TEST), LAB_REPORT));

        assertEquals(Optional.of(QuarantineReason.PATIENT_MISMATCH), report.quarantine());
        assertEquals("patient-mismatch", report.quarantine().get().code());
        assertTrue(
                report.detail().contains("279035121518989") && report.detail().contains("277076322082910"));
    }

    @Test
    void flagsADeclaredTypeThatDisagreesWithoutQuarantining() {
        ConsistencyCheck.Report report = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(
                        INS_TEST, new CodedValue("11488-4", "2.16.840.1.113883.6.1", null), "application/pdf"),
                cda(List.of(INS_TEST), LAB_REPORT));

        assertEquals(Optional.empty(), report.quarantine());
        assertTrue(report.typeCodeDiffers());
        assertTrue(report.mediaTypeDiffers());
        assertFalse(report.consistent());
    }

    @Test
    void quarantinesAnInvalidIns() {
        ConsistencyCheck.Report report = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(null, null, null),
                cda(List.of(new Identifier(Ins.NIR, "123456789012345")), LAB_REPORT));

        assertEquals(Optional.of(QuarantineReason.INVALID_INS), report.quarantine());
    }

    @Test
    void quarantinesAStructuredDocumentWithoutPatientButNotAPdf() {
        ConsistencyCheck.Report cda =
                ConsistencyCheck.check(new ConsistencyCheck.Declared(INS_TEST, null, null), cda(List.of(), LAB_REPORT));
        ConsistencyCheck.Report pdf = ConsistencyCheck.check(
                new ConsistencyCheck.Declared(INS_TEST, null, "application/pdf"),
                ExtractedContents.of(ContentKind.PDF, "application/pdf").build());

        assertEquals(Optional.of(QuarantineReason.MISSING_PATIENT_ID), cda.quarantine());
        assertTrue(pdf.consistent(), pdf.toString());
    }

    private static ExtractedContent cda(List<Identifier> patients, CodedValue code) {
        return ExtractedContents.of(ContentKind.CDA, "application/xml")
                .uniqueId("1.2.3")
                .patientIds(patients)
                .code(code)
                .title("Titre")
                .confidentialityCode("N")
                .build();
    }
}
