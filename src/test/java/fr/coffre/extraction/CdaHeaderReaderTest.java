package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import fr.coffre.document.Identifier;
import fr.coffre.document.Ins;
import fr.coffre.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CdaHeaderReaderTest {

    private static final Duration QUICKLY = Duration.ofSeconds(5);
    private static final String ISO_8859_1_CDA = "bad/cda-iso-8859-1-encoding.xml";
    private static final String TRAVERSAL_NAMED_CDA = "bad/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd.xml";

    private final CdaHeaderReader reader = new CdaHeaderReader();

    static Stream<Arguments> cdaRowsWithHeaders() {
        return named(Corpus.rows(
                file -> file.startsWith("cda/") || file.equals(ISO_8859_1_CDA) || file.equals(TRAVERSAL_NAMED_CDA)));
    }

    static Stream<Arguments> goodCdaRows() {
        return named(Corpus.rows(file -> file.startsWith("cda/")));
    }

    private static Stream<Arguments> named(List<Corpus.Row> rows) {
        return rows.stream().map(row -> Arguments.of(Named.of(row.file(), row)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cdaRowsWithHeaders")
    void readsWhatTheManifestListsForEachCda(Corpus.Row row) throws IOException {
        CdaHeader header = read(row.file());

        Identifier expectedPatient = new Identifier(row.patientIdSystem(), row.patientId());
        if (Ins.isInsSystem(row.patientIdSystem())) {
            assertEquals(Optional.of(expectedPatient), header.ins());
        } else {
            assertEquals(Optional.empty(), header.ins(), "a foreign CDA carries no INS");
            assertEquals(
                    Optional.of(expectedPatient),
                    header.patientIds().stream()
                            .filter(id -> id.system().equals(row.patientIdSystem()))
                            .findFirst());
        }
        assertEquals(
                new CodedValue(row.docCode(), row.docCodeSystem(), header.code().displayName()), header.code());
        assertEquals(row.effectiveTime(), header.effectiveTime());
        assertEquals(Hl7Time.parse(row.effectiveTime()), header.effectiveDateTime());
        assertEquals(Corpus.collapseWhitespace(row.title()), header.title());
        if (Corpus.Row.applies(row.authorId())) {
            assertEquals(
                    new Identifier(row.authorIdSystem(), row.authorId()),
                    header.author().id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodCdaRows")
    void findsEveryGoodCdaWellFormed(Corpus.Row row) throws IOException {
        try (InputStream in = row.open()) {
            assertDoesNotThrow(() -> reader.checkWellFormed(in));
        }
    }

    @Test
    void readsEveryHeaderElementAtItsOwnPathOnly() {
        String cda = """
                <?xml version="1.0" encoding="UTF-8"?>
                <?xml-stylesheet type="text/xsl" href="../FeuilleDeStyle/CDA-FO.xsl"?>
                <ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc">
                  <id root="1.2.3" extension="DOC-1"/>
                  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1" displayName="Consult note"/>
                  <title>
                     Compte   rendu
                     de consultation </title>
                  <effectiveTime value="20240715134205+0200"/>
                  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
                  <languageCode code="fr-FR"/>
                  <setId root="1.2.3" extension="SET-1"/>
                  <versionNumber value="2"/>
                  <recordTarget><patientRole>
                    <id root="1.2.3.4.5" extension="IPP-1"/>
                    <id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>
                    <id nullFlavor="UNK"/>
                    <sdtc:id root="8.8.8" extension="OTHER-NAMESPACE"/>
                    <patient><guardian><id root="9.9.9" extension="GUARDIAN"/></guardian></patient>
                  </patientRole></recordTarget>
                  <author>
                    <time value="20240715134205+0200"/>
                    <assignedAuthor>
                      <id root="1.2.250.1.71.4.2.1" extension="801234567897"/>
                      <code code="G15_10" codeSystem="1.2.250.1.213.1.1.4.5"/>
                      <assignedPerson><name><prefix>Dr</prefix><given>Jean</given><given>Paul</given><family>MARTIN</family></name></assignedPerson>
                      <representedOrganization>
                        <id root="1.2.250.1.71.4.2.2" extension="1ORG"/>
                        <name>Cabinet du
                          Parc</name>
                      </representedOrganization>
                    </assignedAuthor>
                  </author>
                  <author><assignedAuthor><id root="1.2.250.1.71.4.2.1" extension="SECOND"/></assignedAuthor></author>
                  <custodian><assignedCustodian><representedCustodianOrganization>
                    <id root="1.2.250.1.71.4.2.2" extension="CUSTODIAN"/><name>Hébergeur</name>
                  </representedCustodianOrganization></assignedCustodian></custodian>
                  <legalAuthenticator><time value="20240715"/><assignedEntity>
                    <id root="1.2.250.1.71.4.2.1" extension="801234567897"/>
                    <representedOrganization><id root="1.2.250.1.71.4.2.2" extension="NOT-THIS"/></representedOrganization>
                  </assignedEntity></legalAuthenticator>
                  <documentationOf><serviceEvent><code code="NO-PERIOD" codeSystem="1.2.250.1.213.2.5"/></serviceEvent></documentationOf>
                  <documentationOf><serviceEvent><effectiveTime>
                    <low value="20240715090000"/><high value="20240715100000"/>
                  </effectiveTime></serviceEvent></documentationOf>
                  <documentationOf><serviceEvent><effectiveTime><low value="20200101"/></effectiveTime></serviceEvent></documentationOf>
                  <relatedDocument typeCode="XFRM"><parentDocument><id root="7.7.7" extension="TRANSFORMED"/></parentDocument></relatedDocument>
                  <relatedDocument typeCode="RPLC"><parentDocument><id root="1.2.3" extension="DOC-0"/></parentDocument></relatedDocument>
                  <component><structuredBody><component><section>
                    <code code="WRONG"/><title>Section title</title>
                  </section></component></structuredBody></component>
                </ClinicalDocument>
                """;

        CdaHeader header = reader.read(utf8(cda));

        Identifier ins = new Identifier("1.2.250.1.213.1.4.10", "279035121518989");
        Identifier doctor = new Identifier("1.2.250.1.71.4.2.1", "801234567897");
        CdaHeader expected = new CdaHeader(
                "1.2.3^DOC-1",
                List.of(new Identifier("1.2.3.4.5", "IPP-1"), ins),
                new CodedValue("11488-4", "2.16.840.1.113883.6.1", "Consult note"),
                "Compte rendu de consultation",
                "20240715134205+0200",
                OffsetDateTime.parse("2024-07-15T13:42:05+02:00"),
                "N",
                "fr-FR",
                "1.2.3^SET-1",
                2,
                new CdaHeader.Author(
                        doctor,
                        "Jean Paul",
                        "MARTIN",
                        new CdaHeader.Organization(new Identifier("1.2.250.1.71.4.2.2", "1ORG"), "Cabinet du Parc")),
                new CdaHeader.Organization(new Identifier("1.2.250.1.71.4.2.2", "CUSTODIAN"), "Hébergeur"),
                doctor,
                OffsetDateTime.parse("2024-07-15T09:00:00+02:00"),
                OffsetDateTime.parse("2024-07-15T10:00:00+02:00"),
                "1.2.3^DOC-0",
                new CodedValue("NO-PERIOD", "1.2.250.1.213.2.5", null),
                List.of(
                        new CdaHeader.RelatedDocument("XFRM", "7.7.7^TRANSFORMED"),
                        new CdaHeader.RelatedDocument("RPLC", "1.2.3^DOC-0")));
        assertEquals(expected, header);
        assertEquals(Optional.of(ins), header.ins());
    }

    @Test
    void takesTheFirstAuthorEvenWhenItIsADevice() throws IOException {
        CdaHeader header = read("cda/eDISP-MED_2024.01.xml");

        assertEquals("1.2.250.1.213.1.1.1.54.2024.1.1", header.uniqueId());
        assertEquals("1.2.250.1.213.1.1.1.54.2024.1", header.setId());
        assertEquals(1, header.versionNumber());
        assertEquals("N", header.confidentialityCode());
        assertEquals("fr-FR", header.languageCode());
        assertEquals(
                new CdaHeader.Author(
                        new Identifier("1.2.250.1.71.4.2.1", "578435954900010/1.2.250.1.176.1"),
                        null,
                        null,
                        new CdaHeader.Organization(
                                new Identifier("1.2.250.1.71.4.2.2", "378435954900010"),
                                "CONSEIL NATIONAL ORDRE DES PHARMACIENS")),
                header.author());
        assertEquals(
                List.of(
                        new Identifier("1.2.250.1.213.1.4.8", "277076322082910"),
                        new Identifier("1.2.3.4.567.8.9.10", "1234567890121")),
                header.patientIds());
    }

    @Test
    void decodesIso88591AsTheXmlDeclarationSays() throws IOException {
        CdaHeader header = read(ISO_8859_1_CDA);

        assertEquals("Carnet de santé de l'enfant - Mesures de l'enfant", header.title());
    }

    @Test
    void refusesBytesThatAreNotTheDeclaredUtf8() {
        String file = "bad/cda-declared-utf8-but-latin1-bytes.xml";

        DocumentContentException onRead = assertThrows(DocumentContentException.class, () -> read(file));
        DocumentContentException onCheck = assertThrows(DocumentContentException.class, () -> checkWellFormed(file));

        assertTrue(onRead.getMessage().contains("not valid UTF-8"), onRead.getMessage());
        assertTrue(onCheck.getMessage().contains("not valid UTF-8"), onCheck.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad/xxe-file-etc-passwd.xml", "bad/billion-laughs.xml"})
    void refusesDoctypesQuicklyWithoutEchoingTheirEntities(String file) {
        DocumentContentException onRead = assertTimeoutPreemptively(
                QUICKLY, () -> assertThrows(DocumentContentException.class, () -> read(file)));
        DocumentContentException onCheck = assertTimeoutPreemptively(
                QUICKLY, () -> assertThrows(DocumentContentException.class, () -> checkWellFormed(file)));

        for (DocumentContentException e : List.of(onRead, onCheck)) {
            assertTrue(e.getMessage().contains("DOCTYPE declarations are not allowed"), e.getMessage());
            assertFalse(messagesOf(e).contains("root:"));
            assertFalse(messagesOf(e).contains("lol"));
        }
    }

    @Test
    void refusesMalformedXml() {
        DocumentContentException e =
                assertThrows(DocumentContentException.class, () -> checkWellFormed("bad/malformed.xml"));

        assertTrue(e.getMessage().startsWith("XML is not well-formed (line 7"), e.getMessage());
        assertFalse(e.getMessage().contains("Compte rendu"));
    }

    @Test
    void readsAHeaderWithoutPatientIdentifiers() throws IOException {
        CdaHeader header = read("bad/cda-missing-patient-id.xml");

        assertEquals(List.of(), header.patientIds());
        assertEquals(Optional.empty(), header.ins());
        assertEquals("87273-9", header.code().code());
        assertEquals("NOTE DE VACCINATION", header.title());
    }

    @Test
    void refusesDeepNestingFastWithoutOverflowingTheStack() {
        InputStream deep = nested("<?xml version=\"1.0\"?>", "<a>", "</a>", 100_000);

        DocumentContentException e = assertTimeoutPreemptively(
                QUICKLY, () -> assertThrows(DocumentContentException.class, () -> reader.checkWellFormed(deep)));

        assertEquals("XML elements are nested deeper than 256 levels", e.getMessage());
    }

    @Test
    void factoriesKeptBetweenDocumentsRefuseTheNextHostileOneAsANewOneWould() throws IOException {
        // The XML factories are kept between documents: alternate what each must refuse with what
        // it must read, more times than the pool keeps factories.
        byte[] good = Corpus.bytes("cda/eDISP-MED_2024.01.xml");
        for (int round = 0; round < 40; round++) {
            assertEquals(
                    "1.2.250.1.213.1.1.1.54.2024.1.1",
                    reader.readWhole(new ByteArrayInputStream(good)).uniqueId());
            InputStream deep = nested("<?xml version=\"1.0\"?>", "<a>", "</a>", 1_000);
            assertEquals(
                    "XML elements are nested deeper than 256 levels",
                    assertThrows(DocumentContentException.class, () -> reader.checkWellFormed(deep))
                            .getMessage());
            InputStream doctype = utf8("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>");
            assertTrue(assertThrows(DocumentContentException.class, () -> reader.checkWellFormed(doctype))
                    .getMessage()
                    .contains("DOCTYPE declarations are not allowed"));
            InputStream truncated = utf8("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>");
            assertThrows(DocumentContentException.class, () -> reader.readWhole(truncated));
        }
    }

    @Test
    void memoryStaysProportionalToTheDepthWhateverTheLengthOfNames() {
        // Issue 14, item 6: each open element kept its whole path, names and namespace URI included.
        // Within the parser's own limits (names and namespace URIs of under 1,000 characters, 256
        // levels) that was tens of megabytes of path strings for one small document.
        String namespace = "urn:x-" + "n".repeat(900);
        String name = "e".repeat(900);
        String cda = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" xmlns:x=\"" + namespace + "\">"
                + "<id root=\"1.2.3\" extension=\"deep\"/>"
                + "<x:e>".repeat(250) + "</x:e>".repeat(250)
                + ("<" + name + ">").repeat(250) + ("</" + name + ">").repeat(250)
                + "<title>Compte rendu</title></ClinicalDocument>";
        long before = allocated();
        CdaHeader header = reader.read(utf8(cda));
        long allocatedBytes = allocated() - before;
        assertEquals("1.2.3^deep", header.uniqueId());
        assertEquals("Compte rendu", header.title());
        assertTrue(allocatedBytes < 16L << 20, "the header reader allocated " + (allocatedBytes >> 20) + " MiB");
    }

    /** Bytes this thread has allocated so far (HotSpot's count: deterministic, unlike timings). */
    private static long allocated() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @Test
    void refusesDeepNestingInsideTheHeader() {
        InputStream deep = new SequenceInputStream(
                utf8("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">"), nested("", "<author>", "</author>", 1_000));

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.read(deep));

        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void refusesAnOversizedHeader() {
        InputStream oversized = new SequenceInputStream(
                utf8("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><!--"),
                utf8("x".repeat((int) CdaHeaderReader.DEFAULT_MAX_HEADER_BYTES + 1) + "--></ClinicalDocument>"));

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.read(oversized));

        assertEquals("the CDA header is larger than 1048576 bytes", e.getMessage());
    }

    @Test
    void stopsReadingAtTheBody() {
        String brokenBody = """
                <ClinicalDocument xmlns="urn:hl7-org:v3">
                  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
                  <component><structuredBody><unclosed></structuredBody></component>
                """;

        assertEquals("11488-4", reader.read(utf8(brokenBody)).code().code());
        assertThrows(DocumentContentException.class, () -> reader.checkWellFormed(utf8(brokenBody)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cdaRowsWithHeaders")
    void readsTheSameHeaderWholeAsAlone(Corpus.Row row) throws IOException {
        try (InputStream whole = row.open()) {
            assertEquals(read(row.file()), reader.readWhole(whole));
        }
    }

    @Test
    void readingWholeRefusesWhatTheBodyBreaksAfterAGoodHeader() {
        String brokenBody = """
                <ClinicalDocument xmlns="urn:hl7-org:v3">
                  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
                  <component><structuredBody><unclosed></structuredBody></component>
                </ClinicalDocument>
                """;

        DocumentContentException malformed =
                assertThrows(DocumentContentException.class, () -> reader.readWhole(utf8(brokenBody)));

        assertTrue(malformed.getMessage().startsWith("XML is not well-formed (line 3"), malformed.getMessage());
        assertEquals(QuarantineReason.MALFORMED_XML, malformed.reason());
    }

    @Test
    void readingWholeBoundsTheDocumentNotTheHeader() {
        var small = new CdaHeaderReader(CdaHeaderReader.DEFAULT_MAX_DEPTH, 64, 4096);
        String longHeader = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>" + "t".repeat(1000)
                + "</title><component/></ClinicalDocument>";
        String longBody = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><text>" + "b".repeat(5000)
                + "</text></component></ClinicalDocument>";

        assertEquals("t".repeat(1000), small.readWhole(utf8(longHeader)).title());
        DocumentContentException e =
                assertThrows(DocumentContentException.class, () -> small.readWhole(utf8(longBody)));
        assertEquals("the XML document is larger than 4096 bytes", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>",
                "<ClinicalDocument/>",
                "<ClinicalDocument xmlns=\"http://hl7.org/fhir\"/>"
            })
    void refusesAnythingButAnHl7ClinicalDocument(String xml) {
        DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.read(utf8(xml)));

        assertEquals("the root element is not an HL7 CDA ClinicalDocument", e.getMessage());
    }

    @Test
    void refusesAnInvalidEffectiveTime() {
        String cda =
                "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><effectiveTime value=\"20241301\"/></ClinicalDocument>";

        DocumentContentException e = assertThrows(DocumentContentException.class, () -> reader.read(utf8(cda)));

        assertEquals("ClinicalDocument/effectiveTime is not a valid HL7 timestamp", e.getMessage());
    }

    @Test
    void leavesTheCallersStreamOpen() throws IOException {
        try (CloseRecordingStream in = new CloseRecordingStream(Corpus.open("cda/TLM-CR_2022.01.xml"))) {
            reader.checkWellFormed(in);

            assertFalse(in.closed);
        }
    }

    private CdaHeader read(String file) throws IOException {
        try (InputStream in = Corpus.open(file)) {
            return reader.read(in);
        }
    }

    private void checkWellFormed(String file) throws IOException {
        try (InputStream in = Corpus.open(file)) {
            reader.checkWellFormed(in);
        }
    }

    private static InputStream utf8(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String messagesOf(Throwable t) {
        StringBuilder messages = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.append(c.getMessage()).append('\n');
        }
        return messages.toString();
    }

    private static final class CloseRecordingStream extends FilterInputStream {
        boolean closed;

        CloseRecordingStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }

    /** {@code prolog}, then {@code depth} opening tags and as many closing ones, generated as read. */
    private static InputStream nested(String prolog, String open, String close, int depth) {
        byte[] head = prolog.getBytes(StandardCharsets.UTF_8);
        byte[] opening = open.getBytes(StandardCharsets.UTF_8);
        byte[] closing = close.getBytes(StandardCharsets.UTF_8);
        long total = head.length + (long) depth * (opening.length + closing.length);
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                if (position >= total) {
                    return -1;
                }
                long p = position++;
                if (p < head.length) {
                    return head[(int) p];
                }
                p -= head.length;
                long openings = (long) depth * opening.length;
                return p < openings
                        ? opening[(int) (p % opening.length)]
                        : closing[(int) ((p - openings) % closing.length)];
            }
        };
    }
}
