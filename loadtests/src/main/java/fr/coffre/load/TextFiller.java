package fr.coffre.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic French clinical prose, to pad documents to their target size with text the
 * indexer really has to read (and patients can search for).
 */
final class TextFiller {

    private static final String[] WORDS = {
        "hémoglobine", "glyquée", "thyréostimuline", "TSH", "glycémie", "à", "jeun", "créatininémie",
        "débit", "de", "filtration", "glomérulaire", "cholestérol", "LDL", "HDL", "triglycérides",
        "ferritine", "vitamine", "D", "numération", "formule", "sanguine", "plaquettes", "leucocytes",
        "hématies", "protéine", "C", "réactive", "bilan", "hépatique", "transaminases", "ASAT", "ALAT",
        "gamma-GT", "phosphatases", "alcalines", "bilirubine", "ionogramme", "sodium", "potassium",
        "chlorures", "bicarbonates", "urée", "acide", "urique", "kaliémie", "natrémie", "calcémie",
        "résultat", "dans", "les", "valeurs", "de", "référence", "contrôle", "conseillé", "dans",
        "trois", "mois", "patient", "à", "jeun", "depuis", "douze", "heures", "prélèvement", "veineux",
        "au", "pli", "du", "coude", "échographie", "abdominale", "sans", "anomalie", "notable",
        "compte", "rendu", "validé", "par", "le", "biologiste", "responsable", "interprétation",
        "clinique", "surveillance", "traitement", "en", "cours", "posologie", "inchangée", "avis",
        "spécialisé", "recommandé", "antériorités", "comparées", "évolution", "favorable", "stable",
        "légère", "augmentation", "diminution", "marquée", "à", "recontrôler", "médecin", "traitant",
        "informé", "sérologie", "négative", "positive", "culture", "stérile", "antibiogramme",
        "joint", "hospitalisation", "sortie", "consultation", "radiographie", "thoracique", "normale",
    };

    private TextFiller() {
    }

    /** Text whose UTF-8 encoding is exactly {@code bytes} long (sentences, then ASCII filler). */
    static String text(SplittableRandom random, int bytes) {
        StringBuilder out = new StringBuilder(bytes);
        int length = 0;
        boolean sentenceStart = true;
        while (true) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            boolean end = random.nextInt(12) == 0;
            String piece = (length == 0 ? "" : " ") + word + (end ? "." : "");
            int pieceLength = piece.getBytes(StandardCharsets.UTF_8).length;
            if (length + pieceLength > bytes) {
                break;
            }
            out.append(piece);
            length += pieceLength;
            sentenceStart = end;
        }
        while (length < bytes) {
            out.append(length == bytes - 1 ? '.' : ' ');
            length++;
        }
        return out.toString();
    }

    /** Printable ASCII noise (compresses like the binary streams of a real PDF would not). */
    static void noise(SplittableRandom random, byte[] into, int from, int to) {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int i = from;
        while (i < to) {
            long bits = random.nextLong();
            for (int k = 0; k < 10 && i < to; k++, i++) {
                into[i] = (byte) alphabet.charAt((int) (bits & 63));
                bits >>>= 6;
            }
        }
    }
}
