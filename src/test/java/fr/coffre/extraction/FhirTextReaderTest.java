package fr.coffre.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FhirTextReaderTest {

    @Test
    void tagsAreStrippedAsTheRegularExpressionDidForAnyMixOfBrackets() {
        // The regular expression is the specification here, on texts short enough for it.
        Pattern tag = Pattern.compile("<[^>]*>");
        Random random = new Random(7);
        char[] alphabet = {'<', '>', 'a', ' ', '/', '&'};
        for (int n = 0; n < 20_000; n++) {
            char[] text = new char[random.nextInt(40)];
            for (int i = 0; i < text.length; i++) {
                text[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String xhtml = new String(text);
            assertEquals(tag.matcher(xhtml).replaceAll(" "), FhirTextReader.stripTags(xhtml), xhtml);
        }
    }

    @Test
    void unclosedBracketsStayText() {
        assertEquals("a d<e", FhirTextReader.stripTags("a<b<c>d<e"));
        assertEquals(" Résumé ", FhirTextReader.stripTags("<p>Résumé</p>"));
    }
}
