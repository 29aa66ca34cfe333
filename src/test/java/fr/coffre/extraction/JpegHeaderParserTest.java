package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import fr.coffre.testing.Corpus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.image.JpegParser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ToXMLContentHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JpegHeaderParserTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"img/OPH-CR-RTN_retinographie.jpg", "img/FOP_fop.jpg"})
    void aCorpusJpegGivesWhatTikasOwnParserGives(String file) throws Exception {
        byte[] jpeg = Corpus.bytes(file);
        assertEquals(metadata(new JpegParser(), jpeg), metadata(new JpegHeaderParser(), jpeg));
    }

    @Test
    void anXmpTitleAmongTheHeaderSegmentsIsRead() throws Exception {
        byte[] jpeg = withXmpTitle(plainJpeg(), "Fond d'oeil droit");

        Map<String, String> ours = metadata(new JpegHeaderParser(), jpeg);

        assertEquals("Fond d'oeil droit", ours.get("dc:title"));
        assertEquals(metadata(new JpegParser(), jpeg), ours);
    }

    @Test
    void itsXhtmlCarriesNoneOfTheMetadataItGives() throws Exception {
        byte[] jpeg = withXmpTitle(plainJpeg(), "Fond d'oeil droit");
        Metadata metadata = new Metadata();
        ToXMLContentHandler xhtml = new ToXMLContentHandler();

        new JpegHeaderParser().parse(new ByteArrayInputStream(jpeg), xhtml, metadata, new ParseContext());

        assertEquals("Fond d'oeil droit", metadata.get("dc:title"));
        assertFalse(xhtml.toString().contains("oeil"), xhtml.toString());
    }

    private static Map<String, String> metadata(Parser parser, byte[] jpeg) throws Exception {
        Metadata metadata = new Metadata();
        parser.parse(new ByteArrayInputStream(jpeg), new BodyContentHandler(), metadata, new ParseContext());
        Map<String, String> values = new TreeMap<>();
        for (String name : metadata.names()) {
            if (name.equals("File Name") || name.equals("File Modified Date")) {
                // The temporary file each parse copies the stream to: two parses a second apart
                // gave two dates (a CI run of 2026-12-01).
                continue;
            }
            values.put(name, String.join(" | ", metadata.getValues(name)));
        }
        return values;
    }

    private static byte[] plainJpeg() throws Exception {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        image.setRGB(10, 10, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** An APP1 XMP segment right after the start of image, as cameras and editors write it. */
    private static byte[] withXmpTitle(byte[] jpeg, String title) {
        String xmp = "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
                + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                + "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
                + "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + title + "</rdf:li></rdf:Alt></dc:title>"
                + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";
        byte[] payload = ("http://ns.adobe.com/xap/1.0/\0" + xmp).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(0xFF);
        out.write(0xE1);
        out.write((payload.length + 2) >> 8);
        out.write((payload.length + 2) & 0xff);
        out.write(payload, 0, payload.length);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
