package fr.coffre.extraction;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.apache.commons.io.input.UnsynchronizedByteArrayInputStream;
import org.apache.tika.exception.TikaException;
import org.apache.tika.io.TemporaryResources;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.image.ImageMetadataExtractor;
import org.apache.tika.parser.xmp.JempboxExtractor;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Tika's JPEG parser done again (EXIF, IPTC, dimensions through its {@link ImageMetadataExtractor}), with its XMP packet looked for in the file's first
 * {@value #XMP_SCAN_BYTES} bytes only. A JPEG carries XMP in an APP1 segment among the header
 * segments, each at most 64 KiB, before the image data; Tika's own parser scans the whole file for
 * it a byte at a time through its buffered streams, which cost more than anything else done for an
 * image.
 */
final class JpegHeaderParser implements Parser {

    static final int XMP_SCAN_BYTES = 256 * 1024;
    private static final Set<MediaType> SUPPORTED = Set.of(MediaType.image("jpeg"));

    @Override
    public Set<MediaType> getSupportedTypes(ParseContext context) {
        return SUPPORTED;
    }

    @Override
    public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context)
            throws IOException, SAXException, TikaException {
        TemporaryResources tmp = new TemporaryResources();
        try {
            TikaInputStream tis = TikaInputStream.get(stream, tmp, metadata);
            new ImageMetadataExtractor(metadata).parseJpeg(tis.getFile());
            byte[] head = tis.readNBytes(XMP_SCAN_BYTES);
            // Unsynchronised: the XMP scanner reads it one byte at a time.
            new JempboxExtractor(metadata)
                    .parse(UnsynchronizedByteArrayInputStream.builder()
                            .setByteArray(head)
                            .get());
        } finally {
            tmp.dispose();
        }
        ImageFileParser.emptyDocument(handler);
    }
}
