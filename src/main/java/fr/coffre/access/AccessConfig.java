package fr.coffre.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who among professionals reads what: the DMP's rules, as this deployment sets them; and how long
 * a caller's verified token is trusted again without being verified.
 */
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
     * A matrix of what each profession reads by document type, in the shape of the DMP's built in
     * (dmp-access-matrix.tsv), to replace it.
     */
    Optional<Path> matrix();

    /**
     * How long the identity made of a verified bearer token serves again for the same token without
     * verifying it anew, never past the token's expiry. {@code PT0S} verifies every request's token.
     */
    @WithDefault("PT1M")
    Duration verifiedTokenReuse();

    /** How many verified tokens are kept at most for {@link #verifiedTokenReuse()}. */
    @WithDefault("1000")
    int maxVerifiedTokens();
}
