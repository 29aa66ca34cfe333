package fr.coffre.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DMP's matrix as built in, checked against what was published about it independently of
 * the table (the rules the professions' own press reported when the arrêté came out), and the
 * refusal of a matrix that does not parse.
 */
class DocumentTypeMatrixTest {

    private static final DocumentTypeMatrix DMP = new DocumentTypeMatrix(DocumentTypeMatrix.builtIn());

    @Test
    void doctorsReadEveryTypeListedOrNot() {
        assertTrue(DMP.readableBy("10", null).all());
    }

    @Test
    void nursesReadTheMedicalSummaryButNotWhatTheArreteKeepsFromThem() {
        for (String nurse : List.of("60", "69")) {
            ReadableTypes types = DMP.readableBy(nurse, null);
            assertTrue(types.reads("60591-5"), "synthèse médicale");
            assertTrue(types.reads("11488-4"), "compte rendu de consultation");
            for (String kept : List.of("75496-0", "68599-0", "83901-9", "68817-6", "89601-9")) {
                assertFalse(types.reads(kept), kept);
            }
            assertFalse(types.reads("T-not-in-the-matrix"), "a type the matrix does not list");
        }
    }

    @Test
    void dentistsAndPodiatristsDoNotReadWhatThePressSaidTheyWouldNot() {
        ReadableTypes dentists = DMP.readableBy("40", null);
        for (String kept : List.of("80788-3", "75496-0", "83981-1", "68599-0", "83901-9", "EXPPAT_3")) {
            assertFalse(dentists.reads(kept), kept);
        }
        assertTrue(dentists.reads("28617-9"), "bilan bucco-dentaire");
        assertFalse(DMP.readableBy("80", null).reads("15508-5"), "CR d'accouchement, for a podiatrist");
    }

    @Test
    void theSocialRolesOfProfession99AreToldApartByTheirGenreDActivite() {
        assertTrue(DMP.readableBy("99", "GENR11").reads("11488-4"), "care staff read consultation reports");
        assertFalse(DMP.readableBy("99", "GENR09").reads("11488-4"), "administrative staff do not");
        assertTrue(DMP.readableBy("99", "GENR09").reads("86531-1"), "but they read a discharge certificate");
        assertEquals(List.of(), DMP.readableBy("99", null).codes(), "a role with no genre d'activité reads nothing");
        assertFalse(DMP.readableBy("99", "GENR01").reads("86531-1"));
        assertFalse(DMP.readableBy("99", "GENR01").allBut());
    }

    @Test
    void aProfessionNoColumnNamesReadsNothing() {
        ReadableTypes none = DMP.readableBy("86", null);
        assertFalse(none.allBut());
        assertEquals(List.of(), none.codes());
        assertEquals(" AND d.type_code = ANY($4)", none.sql(4), "nothing matches an empty list");
    }

    @Test
    void aMatrixThatDoesNotParseIsRefusedWithItsLine() {
        String header = "type\tclass\tlabel\t10\t60/69";
        assertMessage("line 3: type A is blank or listed twice", header, "A\t10\tx\tX\t.", "A\t10\ty\tX\tX");
        assertMessage("line 2: a profession's cell is X", header, "A\t10\tx\tX\tyes");
        assertMessage("line 2: a row has 5 cells", header, "A\t10\tx\tX");
        assertMessage("line 1: profession 60 is blank or heads two columns", "type\tclass\tlabel\t60\t60/69");
        assertMessage("line 1: the header is type", "code\tlabel\t10");
    }

    @Test
    void theRowForUnlistedTypesMakesAColumnReadAllButWhatItRefuses() {
        DocumentTypeMatrix matrix = new DocumentTypeMatrix(List.of(
                "# a comment", "type\tclass\tlabel\t10\t60", "A\t10\ta\tX\t.", "B\t11\tb\tX\tX", "*\t\tothers\tX\t."));
        assertTrue(matrix.readableBy("10", null).all());
        ReadableTypes nurses = matrix.readableBy("60", null);
        assertEquals(new ReadableTypes(false, List.of("B")), nurses);
        assertEquals(" AND NOT d.type_code = ANY($2)", new ReadableTypes(true, List.of("A")).sql(2));
        assertEquals("", ReadableTypes.ALL.sql(2));
    }

    private static void assertMessage(String expected, String... lines) {
        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> new DocumentTypeMatrix(List.of(lines)));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }
}
