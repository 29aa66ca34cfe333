package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A hospital's bulk submissions (chu-lyon-dpi): submission sets of the realistic mix, manifest
 * first. Parameters: -Drate (submissions/s, default 0.2), -Dbatch.size (documents per set, 10),
 * -Dramp.seconds (10), -Dplateau.seconds (30).
 */
public class HospitalBulkSimulation extends Simulation {

    private static final String HOSPITAL = "chu-lyon-dpi";

    private final Tokens tokens = Tokens.forTarget()
            .producer(HOSPITAL);

    private final ScenarioBuilder bulk = scenario("Hospital submissions")
            .feed(Coffre.submissions(Coffre.generator("bulk"), Settings.integer("batch.size", 10)))
            .exec(Coffre.submit("submission set", tokens, HOSPITAL))
            .exec(session -> session.remove("body"));

    {
        setUp(bulk.injectOpen(Coffre.rampThenPlateau(Settings.decimal("rate", 0.2),
                        Settings.integer("ramp.seconds", 10), Settings.integer("plateau.seconds", 30))))
                .protocols(Coffre.protocol())
                .assertions(Coffre.assertions(1.0, 20_000, 30_000));
    }

    @Override
    public void after() {
        tokens.close();
    }
}
