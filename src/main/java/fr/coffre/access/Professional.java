package fr.coffre.access;

/**
 * A health professional as their token names them.
 *
 * @param rpps             their RPPS number
 * @param organisation     the FINESS of the organisation they act for, if any
 * @param profession       their profession (TRE_G15 code: 10 doctor, 21 pharmacist, 60 nurse...)
 * @param emergencyContext whether they work in an emergency context (emergency service, SAMU)
 */
public record Professional(String rpps, String organisation, String profession, boolean emergencyContext) {

    public Reader reader() {
        return new Reader("professional", rpps, organisation, "professional");
    }
}
