package fr.coffre.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.coffre.testing.Corpus;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The accents taken off before PostgreSQL indexes a text change its work, never its vector: what
 * the real server makes of a folded text is what it makes of the text itself.
 */
@QuarkusTest
class AccentFoldingTest {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Words PostgreSQL's parser does not treat as plain words, with accents that must stay. */
    static final String NOT_PLAIN = "1ère 2ème-intention covid-19-négatif http://chu.fr/l'échographie "
            + "rené.durand@chu.fr <échographie> &eacute; /dossiers/été.pdf ré-2 v1.2-bêta été_2024 "
            + "x=été ½été e\u0301te\u0301 «1ère»";

    @Inject
    Pool pool;

    @Test
    void plainWordsLoseTheirAccentsAndThePunctuationAroundThemStays() {
        assertEquals(
                "Echographie realisee, l'examen du coeur : « normal ». Aujourd’hui (deja) vu-la ; "
                        + "\"Etat\" stable… OEdeme? Strasse (ref.)",
                AccentFolding.forIndexing(
                        "Échographie réalisée, l'examen du cœur : « normal ». Aujourd’hui (déjà) vu-là ; "
                                + "\"État\" stable… Œdème? Straße (réf.)"));
    }

    @Test
    void wordsWithDigitsAddressesPathsAndTagsKeepTheirAccents() {
        assertSame(NOT_PLAIN, AccentFolding.forIndexing(NOT_PLAIN));
    }

    @Test
    void aTextWithNothingToFoldIsGivenBackAsItIs() {
        String plain = "Compte rendu sans accent, 12 mg/l.";
        assertSame(plain, AccentFolding.forIndexing(plain));
        assertEquals("ete", AccentFolding.forIndexing("été"));
    }

    @Test
    void everyLetterFoldedIsWhatPostgresqlsUnaccentMakesOfIt() {
        Map<Character, String> table = AccentFolding.table();
        List<String> letters = table.keySet().stream().map(String::valueOf).toList();
        List<String> unaccented = new ArrayList<>();
        pool.preparedQuery(
                        "SELECT unaccent('unaccent', letter) FROM unnest($1::text[]) WITH ORDINALITY AS t(letter, n) "
                                + "ORDER BY n")
                .execute(Tuple.of(letters.toArray(String[]::new)))
                .await()
                .atMost(DEADLINE)
                .forEach(row -> unaccented.add(row.getString(0)));

        assertTrue(table.size() > 100, "Latin-1 and Latin Extended-A: " + table.size());
        assertEquals(List.copyOf(table.values()), unaccented);
    }

    @Test
    void postgresqlIndexesAFoldedTextExactlyAsTheTextItself() throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String folder : List.of("cda", "fhir")) {
            try (Stream<Path> files = Files.list(Corpus.ROOT.resolve(folder))) {
                for (Path file : files.sorted().toList()) {
                    // As much as the worker indexes of a document's text.
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    texts.put(
                            folder + "/" + file.getFileName(),
                            text.substring(0, Math.min(text.length(), IndexRepository.MAX_INDEXED_CHARS)));
                }
            }
        }
        texts.put("words that are not plain", NOT_PLAIN);
        texts.put(
                "every letter folded, alone, capitalised, hyphenated and elided",
                AccentFolding.table().keySet().stream()
                        .map(c ->
                                c + " " + c + "tude l'" + c + "cole pré-" + c + "tat " + c + c + "." + " (" + c + "s)")
                        .collect(Collectors.joining(" ")));

        List<String> differing = new ArrayList<>();
        int folded = 0;
        for (Map.Entry<String, String> text : texts.entrySet()) {
            String original = text.getValue();
            String indexed = AccentFolding.forIndexing(original);
            if (indexed != original) {
                folded++;
            }
            Row row = pool.preparedQuery("SELECT to_tsvector('coffre_fr', $1) = to_tsvector('coffre_fr', $2)")
                    .execute(Tuple.of(original, indexed))
                    .await()
                    .atMost(DEADLINE)
                    .iterator()
                    .next();
            if (!row.getBoolean(0)) {
                differing.add(text.getKey());
            }
        }

        assertEquals(List.of(), differing, "texts PostgreSQL indexes differently once folded");
        assertTrue(folded > texts.size() / 2, folded + " of " + texts.size() + " texts had accents to fold");
    }
}
