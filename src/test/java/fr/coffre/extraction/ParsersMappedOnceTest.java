package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;
import org.junit.jupiter.api.Test;
import org.xml.sax.ContentHandler;

class ParsersMappedOnceTest {

    @Test
    void eachParseFindsItsParserWithoutAskingEveryParserForItsTypesAgain() throws Exception {
        CountingParser counting = new CountingParser();
        var parser =
                new TikaEngine.ParsersMappedOnce(TikaConfig.getDefaultConfig().getDetector(), counting);
        int askedToBuild = counting.asked.get();

        for (int i = 0; i < 3; i++) {
            Metadata metadata = new Metadata();
            metadata.set(TikaCoreProperties.CONTENT_TYPE_USER_OVERRIDE, "text/plain");
            parser.parse(
                    new ByteArrayInputStream(new byte[] {'a'}), new BodyContentHandler(), metadata, new ParseContext());
        }

        assertEquals(3, counting.parsed.get(), "each parse reached the parser of its type");
        assertEquals(askedToBuild, counting.asked.get(), "no parser asked for its types again");
    }

    private static final class CountingParser implements Parser {

        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger parsed = new AtomicInteger();

        @Override
        public Set<MediaType> getSupportedTypes(ParseContext context) {
            asked.incrementAndGet();
            return Set.of(MediaType.TEXT_PLAIN);
        }

        @Override
        public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
            parsed.incrementAndGet();
        }
    }
}
