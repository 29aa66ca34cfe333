package fr.coffre.access;

/**
 * A health professional as their token names them.
 *
 * @param rpps             their RPPS number
 * @param organisation     the FINESS of the organisation they act for, if any
 * @param profession       their profession (TRE_G15 code: 10 doctor, 21 pharmacist, 60 nurse...)
 * @param activityGenre    their genre d'activité (GENR08...), which tells the social and medico-social
 *                         roles of profession 99 apart; null if none
 * @param emergencyContext whether they work in an emergency context (emergency service, SAMU)
 */
public record Professional(
        String rpps, String organisation, String profession, String activityGenre, boolean emergencyContext) {

    public Reader reader() {
        return new Reader("professional", rpps, organisation, "professional");
    }
}
