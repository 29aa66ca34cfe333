package fr.coffre.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Who among professionals reads what: the DMP's rules, as this deployment sets them. */
@ConfigMapping(prefix = "coffre.access")
public interface AccessConfig {

    /** The reasons a professional in an emergency context may give to break the glass: a closed list. */
    @WithDefault("urgence-vitale,patient-hors-etat,regulation-medicale")
    List<String> emergencyReasons();

    /** A professional reads at most {@link #maxPatientsPerWindow} different patients in this time. */
    @WithDefault("PT1H")
    Duration patientsWindow();

    @WithDefault("30")
    int maxPatientsPerWindow();

    /** How long a care team lasts once declared (a patient may choose another end). */
    @WithDefault("P365D")
    Duration careTeamDuration();

    /**
     * The document classes (class codes) each profession (TRE_G15 code) may read, {@code *} for
     * all; a profession that is not listed reads nothing. Documents without a class code are read
     * by the professions that read all.
     */
    Map<String, List<String>> classesByProfession();
}
