package fr.coffre.index;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Takes the accents off the Latin letters of plain words before PostgreSQL indexes a text, so that
 * its parser sees them as ASCII words, which the {@code coffre_fr} configuration stems without
 * running {@code unaccent} on each: that dictionary, called word by word, was two thirds of
 * {@code to_tsvector}'s cost (docs/benchmarks.md, session 18). The vector is the same: a plain
 * word's accents are what {@code unaccent} takes off anyway, letter for letter as here
 * ({@code AccentFoldingTest} compares both on the real server, over the corpus's texts).
 *
 * <p>Only words made of letters, hyphens and apostrophes between spaces (less the punctuation
 * around them) are folded. A word with a digit ("1ère") is indexed with its accents by the French
 * configuration, and an address, a path or a tag is not a plain word: those are left as they are.
 */
final class AccentFolding {

    private static final int FIRST = 0xC0;
    private static final int LAST = 0x17F;
    /** What unaccent's rules make of each letter of Latin-1 and Latin Extended-A it changes. */
    private static final String[] FOLDED = new String[LAST - FIRST + 1];

    static {
        for (char c = FIRST; c <= LAST; c++) {
            String decomposed = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFD);
            if (decomposed.length() > 1 && isAsciiLetter(decomposed.charAt(0)) && onlyMarks(decomposed)) {
                FOLDED[c - FIRST] = decomposed.substring(0, 1);
            }
        }
        FOLDED['Æ' - FIRST] = "AE";
        FOLDED['æ' - FIRST] = "ae";
        FOLDED['Œ' - FIRST] = "OE";
        FOLDED['œ' - FIRST] = "oe";
        FOLDED['ß' - FIRST] = "ss";
    }

    private AccentFolding() {}

    /** The text with its plain words' accents folded; the same instance when there were none. */
    static String forIndexing(String text) {
        int length = text.length();
        int i = 0;
        while (i < length && folded(text.charAt(i)) == null) {
            i++;
        }
        if (i == length) {
            return text;
        }
        char[] in = text.toCharArray();
        // Ligatures give two letters for one; grown below in the rare text with many.
        char[] out = new char[length + 64];
        int o = 0;
        boolean changed = false;
        i = 0;
        while (i < length) {
            int start = i;
            while (i < length && !isWhitespace(in[i])) {
                i++;
            }
            int end = i;
            while (i < length && isWhitespace(in[i])) {
                i++;
            }
            int coreStart = start;
            while (coreStart < end && isOpening(in[coreStart])) {
                coreStart++;
            }
            int coreEnd = end;
            while (coreEnd > coreStart && isClosing(in[coreEnd - 1])) {
                coreEnd--;
            }
            if (out.length - o < 2 * (i - start)) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, o + 2 * (i - start)));
            }
            if (!needsFolding(in, coreStart, coreEnd)) {
                System.arraycopy(in, start, out, o, i - start);
                o += i - start;
                continue;
            }
            changed = true;
            System.arraycopy(in, start, out, o, coreStart - start);
            o += coreStart - start;
            for (int k = coreStart; k < coreEnd; k++) {
                String folded = folded(in[k]);
                if (folded == null) {
                    out[o++] = in[k];
                } else {
                    for (int f = 0; f < folded.length(); f++) {
                        out[o++] = folded.charAt(f);
                    }
                }
            }
            System.arraycopy(in, coreEnd, out, o, i - coreEnd);
            o += i - coreEnd;
        }
        return changed ? new String(out, 0, o) : text;
    }

    /** Letters of plain words that unaccent changes, and what it makes of them. */
    static Map<Character, String> table() {
        Map<Character, String> table = new TreeMap<>();
        for (char c = FIRST; c <= LAST; c++) {
            if (FOLDED[c - FIRST] != null) {
                table.put(c, FOLDED[c - FIRST]);
            }
        }
        return table;
    }

    /** A plain word (letters, hyphens, apostrophes) with at least one letter to fold. */
    private static boolean needsFolding(char[] text, int start, int end) {
        boolean any = false;
        for (int k = start; k < end; k++) {
            char c = text[k];
            if (c < FIRST) {
                if (!isAsciiLetter(c) && c != '-' && c != '\'') {
                    return false;
                }
            } else if (folded(c) != null) {
                any = true;
            } else if (!Character.isLetter(c) && c != '’') {
                return false;
            }
        }
        return any;
    }

    private static boolean isOpening(char c) {
        return switch (c) {
            case '(', '«', '"', '[', '{', '“', '‘', '¿', '¡' -> true;
            default -> false;
        };
    }

    private static boolean isClosing(char c) {
        return switch (c) {
            case '.', ',', ';', ':', '!', '?', ')', '»', '"', ']', '}', '”', '…' -> true;
            default -> false;
        };
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || Character.isWhitespace(c);
    }

    private static String folded(char c) {
        return c >= FIRST && c <= LAST ? FOLDED[c - FIRST] : null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean onlyMarks(String decomposed) {
        for (int k = 1; k < decomposed.length(); k++) {
            if (Character.getType(decomposed.charAt(k)) != Character.NON_SPACING_MARK) {
                return false;
            }
        }
        return true;
    }
}
