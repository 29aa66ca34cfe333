package fr.coffre.document;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Identifiant National de Santé: a NIR or NIA under one of its OIDs. A number whose key does
 * not check is refused: filing a document under a mistyped number would put it in a stranger's record.
 */
public final class Ins {

    public static final String NIR = "1.2.250.1.213.1.4.8";
    public static final String NIA = "1.2.250.1.213.1.4.9";
    public static final String NIR_TEST = "1.2.250.1.213.1.4.10";
    /** Every system an INS may be filed under. */
    public static final List<String> OIDS = List.of(NIR, NIA, NIR_TEST);

    private static final Map<String, String> SYSTEMS =
            Map.of(NIR, "INS-NIR", NIA, "INS-NIA", NIR_TEST, "INS-NIR (test)");

    // sex, year, month, department (2A/2B for Corsica), commune, order, key
    private static final Pattern SHAPE = Pattern.compile("[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}");

    private Ins() {}

    public static boolean isInsSystem(String system) {
        return system != null && SYSTEMS.containsKey(stripUrnOid(system));
    }

    /** The first identifier, in the given order, issued under an INS OID. */
    public static Optional<Identifier> firstIns(List<Identifier> identifiers) {
        return identifiers.stream().filter(id -> isInsSystem(id.system())).findFirst();
    }

    public static String stripUrnOid(String system) {
        return system != null && system.startsWith("urn:oid:") ? system.substring("urn:oid:".length()) : system;
    }

    /** Empty when valid, else why not (never echoing more than the number the caller sent). */
    public static Optional<String> problemWith(Identifier id) {
        String system = stripUrnOid(id.system());
        if (!SYSTEMS.containsKey(system)) {
            return Optional.of("the patient id system " + id.system() + " is not an INS OID (expected " + NIR + ", "
                    + NIA + " or " + NIR_TEST + ")");
        }
        String value = id.value() == null ? "" : id.value().trim().toUpperCase(Locale.ROOT);
        if (!SHAPE.matcher(value).matches()) {
            return Optional.of(
                    "an INS is 15 characters: 13 of the number (2A or 2B allowed for Corsica) and a 2-digit key");
        }
        long number = Long.parseLong(value.substring(0, 13).replace("2A", "19").replace("2B", "18"));
        int key = Integer.parseInt(value.substring(13));
        if (97 - number % 97 != key) {
            return Optional.of("the key of INS " + value + " does not match its number (key = 97 - number mod 97)");
        }
        return Optional.empty();
    }

    /** The canonical form stored and compared: bare OID, upper-case number. */
    public static Identifier normalise(Identifier id) {
        return new Identifier(stripUrnOid(id.system()), id.value().trim().toUpperCase(Locale.ROOT));
    }
}
