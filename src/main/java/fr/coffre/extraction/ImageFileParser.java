package fr.coffre.extraction;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TemporaryResources;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TIFF;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.XHTMLContentHandler;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Tika's image parser done again for the formats the JDK reads (PNG, GIF, BMP, WBMP), with ImageIO
 * reading the image's own file. Tika 3.3's hands ImageIO a stream, which ImageIO copies into a
 * cache file of its own, 1 KiB at a time, so that it can seek back (the PNG reader goes past each
 * chunk to its checksum and back): those copies cost 8 % of the extraction processes' CPU in the
 * bench. The reader reads the same bytes and is asked the same questions as in Tika's, so an image
 * Tika's refused is refused here too; of its answers Coffre keeps the dimensions.
 */
final class ImageFileParser implements Parser {

    private static final MediaType BMP = MediaType.image("bmp");
    /** The pre-RFC 7903 name, which ImageIO does not know. */
    private static final MediaType OLD_BMP = MediaType.image("x-ms-bmp");

    private static final MediaType GIF = MediaType.image("gif");
    private static final Set<MediaType> SUPPORTED =
            Set.of(MediaType.image("png"), GIF, BMP, OLD_BMP, MediaType.image("vnd.wap.wbmp"));

    @Override
    public Set<MediaType> getSupportedTypes(ParseContext context) {
        return SUPPORTED;
    }

    @Override
    public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context)
            throws IOException, SAXException, TikaException {
        MediaType type = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE));
        if (type != null) {
            TemporaryResources tmp = new TemporaryResources();
            try {
                read(TikaInputStream.get(stream, tmp, metadata).getFile(), OLD_BMP.equals(type) ? BMP : type, metadata);
            } finally {
                tmp.dispose();
            }
        }
        emptyDocument(handler);
    }

    /**
     * An image has no text: an empty XHTML document, as Tika's image parsers give, but without the
     * image's metadata in its head, where Tika's puts every entry as an element that the body
     * handler then drops: the SAX layers checked each character of it (a quarter of a JPEG's
     * extraction when its comments held 1 MB). The metadata itself is all still there.
     */
    static void emptyDocument(ContentHandler handler) throws SAXException {
        XHTMLContentHandler xhtml = new XHTMLContentHandler(handler, new Metadata());
        xhtml.startDocument();
        xhtml.endDocument();
    }

    private static void read(File file, MediaType type, Metadata metadata) throws IOException, TikaException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type.toString());
        if (!readers.hasNext()) {
            return;
        }
        ImageReader reader = readers.next();
        try (ImageInputStream image = new FileImageInputStream(file)) {
            reader.setInput(image);
            try {
                // A GIF's frames are walked to count them: a broken one fails the image.
                reader.getNumImages(true);
            } catch (IllegalStateException e) {
                // a reader that cannot count without reading forwards only: Tika's ignores it too
            }
            metadata.set(TIFF.IMAGE_WIDTH, reader.getWidth(0));
            metadata.set(TIFF.IMAGE_LENGTH, reader.getHeight(0));
            // Read for its checks: the PNG reader walks every chunk, the others their headers.
            reader.getImageMetadata(0);
        } catch (IIOException e) {
            // The JDK's GIF reader throws this on images every other reader takes (TIKA-619).
            if (!(GIF.equals(type) && "Unexpected block type 0!".equals(e.getMessage()))) {
                throw new TikaException(type + " parse error", e);
            }
        } finally {
            reader.dispose();
        }
    }
}
