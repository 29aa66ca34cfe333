package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class TextCollectorTest {

    @Test
    void collapsesWhitespaceAndKeepsLineBreaks() {
        TextCollector text = new TextCollector(1000);
        text.append("  Compte \t rendu\n\n ");
        text.lineBreak();
        text.lineBreak();
        text.append("de   consultation ");

        assertEquals("Compte rendu\nde consultation", text.text());
    }

    @Test
    void dropsBase64WhetherOnOneLineOrWrapped() {
        byte[] blob = new byte[5_000];
        new Random(7).nextBytes(blob);
        TextCollector text = new TextCollector(100_000);
        text.append("avant " + Base64.getEncoder().encodeToString(blob) + " après");
        text.lineBreak();
        text.append("début " + Base64.getMimeEncoder().encodeToString(blob) + " fin");

        assertEquals("avant après\ndébut fin", text.text());
        assertEquals(2, text.droppedBase64Runs());
    }

    @Test
    void keepsOrdinaryLongWordsAndCodes() {
        TextCollector text = new TextCollector(1000);
        text.append(
                "anticonstitutionnellement 1.2.250.1.213.1.4.10 https://example.org/a/very/long/path/that/is/not/base64/at/all?x=1");

        assertTrue(text.text().contains("anticonstitutionnellement"));
        assertTrue(text.text().contains("https://example.org/"));
        assertEquals(0, text.droppedBase64Runs());
    }

    @Test
    void stopsAtTheLimitAndSaysSo() {
        TextCollector text = new TextCollector(10);
        text.append("un deux trois quatre");

        assertEquals("un deux tr", text.text());
        assertTrue(text.truncated());
        assertTrue(text.full());
    }

    @Test
    void isNotTruncatedWhenTheTextFits() {
        TextCollector text = new TextCollector(10);
        text.append("un deux");

        assertEquals("un deux", text.text());
        assertFalse(text.truncated());
    }

    /**
     * Characters handed over in arrays, where runs of letters and digits are taken at once, give
     * what the same characters give one by one, whatever the pieces they come in.
     */
    @Property(tries = 300)
    void piecesOfAnySizeGiveWhatCharactersOneByOneGive(
            @ForAll("texts") String input,
            @ForAll @IntRange(min = 1, max = 200) int piece,
            @ForAll @IntRange(min = 0, max = 6000) int limit) {
        TextCollector oneByOne = new TextCollector(limit);
        oneByOne.append(input);
        TextCollector inPieces = new TextCollector(limit);
        char[] chars = input.toCharArray();
        for (int start = 0; start < chars.length; start += piece) {
            inPieces.append(chars, start, Math.min(piece, chars.length - start));
        }

        assertEquals(oneByOne.text(), inPieces.text());
        assertEquals(oneByOne.truncated(), inPieces.truncated());
        assertEquals(oneByOne.droppedBase64Runs(), inPieces.droppedBase64Runs());
    }

    /** Words, codes, long runs of letters and digits (base64 or not), accents, spaces and controls. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> words = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().alpha().numeric().ofMinLength(50).ofMaxLength(5000),
                Arbitraries.strings()
                        .withChars("ABCabc012+/=-_")
                        .ofMinLength(10)
                        .ofMaxLength(200),
                Arbitraries.strings()
                        .withChars("éàüçœ€.,;:()'\"")
                        .ofMinLength(1)
                        .ofMaxLength(5),
                Arbitraries.strings()
                        .withChars(" \t\n\r\u00a0\u0001\u007f")
                        .ofMinLength(1)
                        .ofMaxLength(3));
        return Combinators.combine(words.list().ofMaxSize(60), words.list().ofMaxSize(5))
                .as((a, b) -> String.join("", a) + String.join("", List.copyOf(b)));
    }
}
