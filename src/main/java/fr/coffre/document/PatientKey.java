package fr.coffre.document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A patient's pseudonymous key: the Kafka key of their events (one patient's documents stay in
 * order on one partition) and the key of their erasures' proofs. A digest, so that the INS itself
 * never appears in keys, metrics, broker logs or what survives an erasure.
 */
public final class PatientKey {

    private PatientKey() {}

    public static String of(Identifier patient) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((patient.system() + "|" + patient.value()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
