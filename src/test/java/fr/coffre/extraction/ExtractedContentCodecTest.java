package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import fr.coffre.testing.ExtractedContents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExtractedContentCodecTest {

    static Stream<Corpus.Row> goodRows() {
        return DocumentExtractorCorpusTest.goodRows();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodRows")
    void whatEachCorpusFileGaveComesBackEqualFromTheExtractionProcess(Corpus.Row row) throws IOException {
        ExtractedContent extracted = DocumentExtractorCorpusTest.EXTRACTOR.extract(Corpus.file(row.file()));

        assertEquals(extracted, ExtractedContentCodec.decode(ExtractedContentCodec.encode(extracted)));
    }

    @Test
    void aTextOfAnyCharactersComesBackAsItWas() throws IOException {
        String text = "Compte rendu : « hémoglobine glyquée » 6,5 % — ✓ 𝄞 \"guillemets\" \\ \u0000 fin";
        ExtractedContent content =
                ExtractedContents.of(ContentKind.TEXT, "text/plain").text(text).build();

        assertEquals(
                text,
                ExtractedContentCodec.decode(ExtractedContentCodec.encode(content))
                        .text());
    }

    @Test
    void anEmptyTextAndNoTextStayApart() throws IOException {
        ExtractedContent empty =
                ExtractedContents.of(ContentKind.IMAGE, "image/png").text("").build();
        ExtractedContent none =
                ExtractedContents.of(ContentKind.IMAGE, "image/png").text(null).build();

        assertEquals(
                "",
                ExtractedContentCodec.decode(ExtractedContentCodec.encode(empty))
                        .text());
        assertEquals(
                null,
                ExtractedContentCodec.decode(ExtractedContentCodec.encode(none)).text());
    }

    @Test
    void anAnswerCutShortOrAnnouncingMoreTextThanItHoldsIsAnError() throws IOException {
        byte[] answer = ExtractedContentCodec.encode(ExtractedContents.of(ContentKind.TEXT, "text/plain")
                .text("texte")
                .build());
        byte[] lying = answer.clone();
        ByteBuffer.wrap(lying).putInt(answer.length);

        assertThrows(IOException.class, () -> ExtractedContentCodec.decode(Arrays.copyOf(answer, 3)));
        assertThrows(IOException.class, () -> ExtractedContentCodec.decode(lying));
        assertThrows(IOException.class, () -> ExtractedContentCodec.decode(Arrays.copyOf(answer, answer.length - 1)));
    }

    @Test
    void theTextTravelsAsUtf8BytesAheadOfTheRest() throws IOException {
        // Not a JSON string: escaping each character was what the worker's decoding spent its time on.
        byte[] answer = ExtractedContentCodec.encode(ExtractedContents.of(ContentKind.TEXT, "text/plain")
                .text("é\"x")
                .build());

        ByteBuffer in = ByteBuffer.wrap(answer);
        assertEquals(4, in.getInt());
        byte[] text = new byte[4];
        in.get(text);
        assertEquals("é\"x", new String(text, StandardCharsets.UTF_8));
        String rest = new String(answer, in.position(), in.remaining(), StandardCharsets.UTF_8);
        assertTrue(rest.startsWith("{"), rest);
    }
}
