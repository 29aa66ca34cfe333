package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A laboratory's steady stream of small results: one CR-BIO CDA per request, sent by the
 * laboratory's system (labo-biomed-sil). Parameters: -Drate (results/s, default 2),
 * -Dramp.seconds (10), -Dplateau.seconds (30).
 */
public class LabStreamSimulation extends Simulation {

    private final Tokens tokens = Tokens.forTarget()
            .producer("labo-biomed-sil");

    private final ScenarioBuilder lab = scenario("Laboratory results")
            .feed(Coffre.uploads(Coffre.generator("lab"), DocumentKind.LAB_RESULT, "labo-biomed-sil"))
            .exec(Coffre.upload("lab result", tokens))
            .exec(session -> session.remove("body"));

    {
        setUp(lab.injectOpen(Coffre.rampThenPlateau(Settings.decimal("rate", 2),
                        Settings.integer("ramp.seconds", 10), Settings.integer("plateau.seconds", 30))))
                .protocols(Coffre.protocol())
                .assertions(Coffre.assertions(1.0, 1000, 2000));
    }

    @Override
    public void after() {
        tokens.close();
    }
}
