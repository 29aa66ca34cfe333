package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DocumentGeneratorTest {

    private static final int SAMPLE = 400;
    private static Corpus corpus;
    private static List<GeneratedDocument> documents;

    @BeforeAll
    static void generate() {
        corpus = Corpus.locate();
        DocumentGenerator generator = new DocumentGenerator(corpus, 42, "test-run");
        documents = new ArrayList<>();
        for (long i = 0; i < SAMPLE; i++) {
            documents.add(generator.document(i));
        }
    }

    @Test
    void theRealmPatientsAndGeneratedOnesHaveValidInsKeys() {
        assertTrue(Ins.isValid(Ins.DOMINIQUE));
        assertTrue(Ins.isValid(Ins.CAMILLE));
        assertFalse(Ins.isValid("123456789012345"), "the FHIR samples' placeholder");
        assertFalse(Ins.isValid("222127505611201"), "CSE-MDE's wrong key");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            String ins = Ins.generate(random);
            assertTrue(Ins.isValid(ins), ins);
        }
    }

    @Test
    void everyCdaIsWellFormedWithItsIdPatientAndDateReplaced() throws Exception {
        int checked = 0;
        for (GeneratedDocument d : documents) {
            if (d.kind() != DocumentKind.LAB_RESULT && d.kind() != DocumentKind.LETTER) {
                continue;
            }
            org.w3c.dom.Document xml = parse(d.bytes());
            Element root = xml.getDocumentElement();
            assertEquals("ClinicalDocument", root.getLocalName());
            Element id = firstChild(root, "id");
            assertEquals(d.uniqueId(), id.getAttribute("root") + "^" + id.getAttribute("extension"));
            assertTrue(id.getAttribute("extension").startsWith("test-run-"), d.toString());
            assertTrue(firstChild(root, "effectiveTime").getAttribute("value").matches("20(24|25|26)\\d{10}\\+0100"));
            var xpath = XPathFactory.newInstance().newXPath();
            NodeList ids = (NodeList) xpath.evaluate(
                    "/*[local-name()='ClinicalDocument']/*[local-name()='recordTarget']/*[local-name()='patientRole']"
                            + "/*[local-name()='id'][@root='" + Ins.NIR_TEST_SYSTEM + "']",
                    xml, XPathConstants.NODESET);
            assertEquals(1, ids.getLength(), d.toString());
            String ins = ((Element) ids.item(0)).getAttribute("extension");
            assertEquals(d.patientIns(), ins);
            assertTrue(Ins.isValid(ins), "NIR key of " + ins + " in " + d);
            if (d.kind() == DocumentKind.LAB_RESULT) {
                assertTrue(xml.getElementsByTagNameNS("urn:hl7-org:v3", "structuredBody").getLength() == 1);
            } else {
                assertTrue(xml.getElementsByTagNameNS("urn:hl7-org:v3", "nonXMLBody").getLength() == 1);
            }
            checked++;
        }
        assertTrue(checked > SAMPLE / 2, "most of the mix is CDA");
    }

    @Test
    void sizesFallInTheirRanges() {
        for (GeneratedDocument d : documents) {
            if (d.large()) {
                assertTrue(d.kind().mayBeLarge());
                assertTrue(d.size() >= Sizes.LARGE_MIN && d.size() <= Sizes.LARGE_MAX, d.toString());
            } else if (d.kind() != DocumentKind.FHIR) {
                assertTrue(d.size() >= d.kind().minSize && d.size() <= d.kind().maxSize, d.toString());
            } else {
                assertTrue(d.size() < 64 * Sizes.KIB, d.toString());
            }
        }
    }

    @Test
    void theMixIsCloseToItsSharesByCount() {
        DocumentGenerator generator = new DocumentGenerator(corpus, 3, "mix");
        int n = 4000;
        Map<DocumentKind, Integer> counts = new EnumMap<>(DocumentKind.class);
        int large = 0;
        for (long i = 0; i < n; i++) {
            // Only the kind and size are looked at; small documents make this quick.
            GeneratedDocument d = generator.document(i);
            counts.merge(d.kind(), 1, Integer::sum);
            large += d.large() ? 1 : 0;
        }
        for (DocumentKind kind : DocumentKind.values()) {
            double share = 100.0 * counts.getOrDefault(kind, 0) / n;
            assertEquals(kind.share, share, 2.5, kind + " share");
        }
        assertEquals(2.0, 100.0 * large / n, 0.8, "large documents share");
    }

    @Test
    void everyDocumentDeclaresTheSha256OfItsBytesAsCoffrePushDoes() {
        for (GeneratedDocument d : documents) {
            assertEquals(d.sha256(), d.metadata().get("sha256"), d.toString());
        }
        assertTrue(documents.getFirst().metadataJson().contains("\"sha256\":\"" + documents.getFirst().sha256()));
    }

    @Test
    void everyDocumentIsDistinctAndTheSameSeedGivesTheSameBytes() {
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (GeneratedDocument d : documents) {
            assertTrue(ids.add(d.uniqueId()), "duplicate id " + d.uniqueId());
            assertTrue(hashes.add(d.sha256()), "duplicate bytes " + d);
        }
        DocumentGenerator again = new DocumentGenerator(corpus, 42, "test-run");
        for (int i : new int[] {0, 1, 17, 123, SAMPLE - 1}) {
            assertArrayEquals(documents.get(i).bytes(), again.document(i).bytes());
        }
        DocumentGenerator otherRun = new DocumentGenerator(corpus, 42, "other-run");
        assertFalse(java.util.Arrays.equals(documents.get(0).bytes(), otherRun.document(0).bytes()));
    }

    @Test
    void pdfsStillParseAndImagesStillDecode() throws Exception {
        int pdfs = 0;
        int images = 0;
        for (GeneratedDocument d : documents) {
            if (d.kind() == DocumentKind.PDF && pdfs < 25) {
                try (PDDocument pdf = Loader.loadPDF(d.bytes())) {
                    assertTrue(pdf.getNumberOfPages() > 0, d.toString());
                }
                String end = new String(d.bytes(), d.size() - 6, 6, StandardCharsets.ISO_8859_1);
                assertEquals("%%EOF\n", end);
                pdfs++;
            } else if (d.kind() == DocumentKind.IMAGE && images < 25) {
                assertNotNull(ImageIO.read(new ByteArrayInputStream(d.bytes())), "decodes: " + d);
                images++;
            }
        }
        assertTrue(pdfs > 5 && images > 3, "the sample holds PDFs and images");
    }

    @Test
    void fhirDocumentsNameAValidPatientAndNoPlaceholder() {
        DocumentGenerator generator = new DocumentGenerator(corpus, 5, "fhir");
        for (long i = 0; i < 40; i++) {
            GeneratedDocument d = generator.document(i, DocumentKind.FHIR);
            String text = new String(d.bytes(), StandardCharsets.UTF_8);
            assertFalse(text.contains("123456789012345"), d.toString());
            assertTrue(text.contains(d.patientIns()), d.toString());
            assertTrue(Ins.isValid(d.patientIns()));
            assertFalse(text.contains("urn:oid:1.2.250.1.213.1.4.8\""), d.toString());
        }
    }

    @Test
    void mostDocumentsGoToTheRealmPatients() {
        long known = documents.stream().filter(d -> d.patientIns().equals(Ins.DOMINIQUE)
                || d.patientIns().equals(Ins.CAMILLE)).count();
        assertEquals(0.8, known / (double) SAMPLE, 0.07);
    }

    @Test
    void multipartBodiesKeepTheirPartsInOrder() {
        GeneratedDocument d = documents.get(0);
        Multipart.Body body = Multipart.build("b0und", List.of(
                Multipart.Part.json("metadata", d.metadataJson()), d.contentPart("content")));
        String text = new String(body.bytes(), StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("--b0und\r\nContent-Disposition: form-data; name=\"metadata\""));
        assertTrue(text.indexOf("name=\"content\"") > text.indexOf("name=\"metadata\""));
        assertTrue(text.endsWith("--b0und--\r\n"));
        assertEquals("multipart/form-data; boundary=b0und", body.contentType());
    }

    private static org.w3c.dom.Document parse(byte[] bytes) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    private static Element firstChild(Element parent, String localName) {
        for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        throw new AssertionError("no " + localName + " under " + parent.getLocalName());
    }
}
