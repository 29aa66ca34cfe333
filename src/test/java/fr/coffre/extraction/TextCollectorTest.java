package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
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
}
