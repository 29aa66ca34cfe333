package fr.coffre.load;

import java.util.random.RandomGenerator;

/**
 * INS-NIR numbers for generated patients. The key is 97 - (the first 13 digits mod 97), on two
 * digits, with Corsica's 2A and 2B read as 19 and 18: the rule the service enforces.
 */
public final class Ins {

    /** INS-NIR de test: every generated patient is filed under it. */
    public static final String NIR_TEST_SYSTEM = "1.2.250.1.213.1.4.10";

    /** The two patients of the local Keycloak realm: patient.dominique and patient.camille. */
    public static final String DOMINIQUE = "279035121518989";
    public static final String CAMILLE = "180057512345627";

    private Ins() {
    }

    public static int key(String first13) {
        long number = Long.parseLong(first13.replace("2A", "19").replace("2B", "18"));
        return (int) (97 - number % 97);
    }

    public static boolean isValid(String ins) {
        if (ins == null || !ins.matches("[1-478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}")) {
            return false;
        }
        return key(ins.substring(0, 13)) == Integer.parseInt(ins.substring(13));
    }

    /** A fictitious but well-formed NIR: sex, year, month, department, commune, order, key. */
    public static String generate(RandomGenerator random) {
        int department;
        do {
            department = 1 + random.nextInt(95);
        } while (department == 20); // Corsica is 2A/2B, never 20
        String first13 = String.format("%d%02d%02d%02d%03d%03d", 1 + random.nextInt(2), random.nextInt(100),
                1 + random.nextInt(12), department, 1 + random.nextInt(999), 1 + random.nextInt(999));
        return first13 + String.format("%02d", key(first13));
    }
}
