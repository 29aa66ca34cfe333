package fr.coffre.extraction;

/**
 * Gathers the text to index, fed piece by piece: collapses whitespace, keeps line breaks where the
 * producer asks for them, and stops at a character limit, remembering that it cut. It never keeps
 * base64: a run of {@value #BASE64_RUN} or more base64 characters without whitespace is a payload,
 * never words (MIME wraps base64 at 76, PEM at 64), and so are the shorter lines that follow one
 * (a wrapped payload's next lines and its padded tail) until a line break, a word with other
 * characters, or a short token. Not thread-safe: one per extraction.
 */
final class TextCollector {

    /** No word is this long; a base64 payload always is. */
    static final int BASE64_RUN = 64;
    /** After a payload, base64-alphabet tokens at least this long are its continuation lines. */
    private static final int BASE64_TAIL = 16;
    /** A token of other characters is emitted once this long rather than held further. */
    private static final int MAX_HELD_TOKEN = 4096;

    private final int maxChars;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder token = new StringBuilder();
    private boolean tokenMayBeBase64 = true;
    private boolean droppingBase64;
    private boolean afterBase64;
    private boolean pendingSpace;
    private boolean pendingBreak;
    private boolean truncated;
    private int droppedBase64Runs;

    TextCollector(int maxChars) {
        this.maxChars = maxChars;
    }

    void append(char[] chars, int start, int length) {
        int end = start + length;
        int i = start;
        while (i < end && !truncated) {
            if (isAsciiLetterOrDigit(chars[i])) {
                int run = i + 1;
                while (run < end && isAsciiLetterOrDigit(chars[run])) {
                    run++;
                }
                appendLettersAndDigits(chars, i, run);
                i = run;
            } else {
                append(chars[i++]);
            }
        }
    }

    /**
     * What {@link #append(char)} does with each of these characters, in a few appends rather than
     * one call per character (a quarter of a lab result's extraction went there): none of them ends
     * a token, and all are base64, so only the two lengths at which a token is dropped or emitted
     * need looking at.
     */
    private void appendLettersAndDigits(char[] chars, int from, int to) {
        while (from < to && !truncated && !droppingBase64) {
            int limit = tokenMayBeBase64 ? BASE64_RUN : MAX_HELD_TOKEN;
            int n = Math.min(to - from, limit - token.length());
            token.append(chars, from, n);
            from += n;
            if (token.length() < limit) {
                return;
            }
            if (tokenMayBeBase64) {
                dropBase64Token();
            } else {
                endToken();
            }
        }
    }

    void append(CharSequence chars) {
        for (int i = 0; i < chars.length() && !truncated; i++) {
            append(chars.charAt(i));
        }
    }

    /** Ends the current line: what comes next starts a new one. */
    void lineBreak() {
        endToken();
        afterBase64 = false;
        if (!text.isEmpty()) {
            pendingBreak = true;
        }
    }

    /** Separates what comes next from what came before, as whitespace would. */
    void space() {
        endToken();
        pendingSpace = true;
    }

    boolean full() {
        return truncated;
    }

    /** Characters that may still be added before the limit. */
    int remaining() {
        return Math.max(0, maxChars - text.length() - token.length());
    }

    boolean truncated() {
        return truncated;
    }

    int droppedBase64Runs() {
        return droppedBase64Runs;
    }

    String text() {
        endToken();
        return text.toString();
    }

    private void append(char c) {
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            endToken();
            droppingBase64 = false;
            pendingSpace = true;
            return;
        }
        if (Character.isISOControl(c)) {
            return;
        }
        if (droppingBase64) {
            if (isBase64(c)) {
                return;
            }
            droppingBase64 = false;
        }
        token.append(c);
        if (!isBase64(c)) {
            tokenMayBeBase64 = false;
        }
        if (tokenMayBeBase64 && token.length() >= BASE64_RUN) {
            dropBase64Token();
        } else if (!tokenMayBeBase64 && token.length() >= MAX_HELD_TOKEN) {
            endToken();
        }
    }

    private void dropBase64Token() {
        token.setLength(0);
        droppingBase64 = true;
        if (!afterBase64) {
            droppedBase64Runs++;
        }
        afterBase64 = true;
    }

    private void endToken() {
        if (token.isEmpty()) {
            tokenMayBeBase64 = true;
            return;
        }
        if (afterBase64) {
            boolean continuation =
                    tokenMayBeBase64 && (token.length() >= BASE64_TAIL || token.charAt(token.length() - 1) == '=');
            if (continuation) {
                token.setLength(0);
                tokenMayBeBase64 = true;
                return;
            }
            afterBase64 = false;
        }
        if (!text.isEmpty()) {
            if (pendingBreak) {
                write("\n");
            } else if (pendingSpace) {
                write(" ");
            }
        }
        pendingBreak = false;
        pendingSpace = false;
        write(token);
        token.setLength(0);
        tokenMayBeBase64 = true;
    }

    private void write(CharSequence chars) {
        if (truncated) {
            return;
        }
        int room = maxChars - text.length();
        if (chars.length() > room) {
            text.append(chars, 0, Math.max(0, room));
            truncated = true;
        } else {
            text.append(chars);
        }
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '+'
                || c == '/'
                || c == '='
                || c == '-'
                || c == '_';
    }
}
