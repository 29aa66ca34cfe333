package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.image.ImageParser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ToXMLContentHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageFileParserTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"img/eP-MED_logo.png", "img/CR-BIO_electrophorese.png", "img/HL7-CCDA_ResultsWithLabLocation.png"
            })
    void aCorpusPngHasTheDimensionsTikasOwnParserGives(String file) throws Exception {
        Path png = Corpus.file(file);

        Map<String, String> ours = dimensions(new ImageFileParser(), png, "image/png");

        assertEquals(dimensions(new ImageParser(), png, "image/png"), ours);
        assertEquals(2, ours.size(), ours.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gif", "bmp"})
    void gifAndBmpImagesHaveTheDimensionsTikasOwnParserGives(String format, @TempDir Path dir) throws Exception {
        Path image = dir.resolve("image." + format);
        assertTrue(ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_INDEXED), format, image.toFile()));
        String type = "image/" + format;

        Map<String, String> ours = dimensions(new ImageFileParser(), image, type);

        assertEquals(Map.of("tiff:ImageLength", "48", "tiff:ImageWidth", "64"), ours);
        assertEquals(dimensions(new ImageParser(), image, type), ours);
    }

    @Test
    void theImageIsReadInItsFileWithoutACopyInImageIosCache(@TempDir Path dir) throws Exception {
        Path png = Corpus.file("img/eP-MED_logo.png");
        Map<String, String> expected = dimensions(new ImageFileParser(), png, "image/png");
        File cacheBefore = ImageIO.getCacheDirectory();
        boolean usedCache = ImageIO.getUseCache();
        Path cache = Files.createDirectory(dir.resolve("imageio-cache"));
        ImageIO.setUseCache(true);
        ImageIO.setCacheDirectory(cache.toFile());
        Files.delete(cache);
        try {
            assertThrows(
                    Exception.class,
                    () -> dimensions(new ImageParser(), png, "image/png"),
                    "Tika's own parser copies the image into ImageIO's cache, which is gone");
            assertEquals(expected, dimensions(new ImageFileParser(), png, "image/png"));
        } finally {
            ImageIO.setCacheDirectory(cacheBefore);
            ImageIO.setUseCache(usedCache);
        }
    }

    @Test
    void aTruncatedPngIsRefusedAsTikasOwnParserRefusesIt(@TempDir Path dir) throws Exception {
        byte[] png = Corpus.bytes("img/HL7-CCDA_ResultsWithLabLocation.png");
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length - 40));

        assertThrows(TikaException.class, () -> dimensions(new ImageParser(), truncated, "image/png"));
        assertThrows(TikaException.class, () -> dimensions(new ImageFileParser(), truncated, "image/png"));
    }

    @Test
    void itsXhtmlCarriesNoneOfTheMetadataItGives() throws Exception {
        Metadata metadata = new Metadata();
        metadata.set(Metadata.CONTENT_TYPE, "image/png");
        ToXMLContentHandler xhtml = new ToXMLContentHandler();

        try (TikaInputStream in = TikaInputStream.get(Corpus.file("img/eP-MED_logo.png"))) {
            new ImageFileParser().parse(in, xhtml, metadata, new ParseContext());
        }

        assertTrue(metadata.get("tiff:ImageWidth") != null, metadata.toString());
        assertFalse(xhtml.toString().contains("ImageWidth"), xhtml.toString());
    }

    /** What Coffre keeps of an image's metadata (TikaEngine), as the parser gives it. */
    private static Map<String, String> dimensions(Parser parser, Path image, String type) throws Exception {
        Metadata metadata = new Metadata();
        metadata.set(Metadata.CONTENT_TYPE, type);
        try (TikaInputStream in = TikaInputStream.get(image)) {
            parser.parse(in, new BodyContentHandler(), metadata, new ParseContext());
        }
        Map<String, String> kept = new TreeMap<>();
        for (String name : new String[] {"tiff:ImageWidth", "tiff:ImageLength"}) {
            if (metadata.get(name) != null) {
                kept.put(name, metadata.get(name));
            }
        }
        return kept;
    }
}
