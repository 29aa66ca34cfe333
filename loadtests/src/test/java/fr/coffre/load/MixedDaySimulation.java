package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.List;

/**
 * A day compressed: the night batch (hospital submission sets at a high rate), then daytime
 * traffic (a laboratory's stream, single uploads of the realistic mix from each producer,
 * patients reading). Parameters: -Dnight.seconds (30), -Dnight.rate (submissions/s, 0.3),
 * -Dbatch.size (10), -Dday.seconds (60), -Dlab.rate (2), -Dmix.rate (1), -Dpatient.rate (1),
 * -Dramp.seconds (10).
 */
public class MixedDaySimulation extends Simulation {

    private final Tokens producers = Tokens.forProducers();
    private final Tokens patients = PatientSimulation.patientTokens();

    private final int ramp = Settings.integer("ramp.seconds", 10);
    private final int night = Settings.integer("night.seconds", 30);
    private final int day = Settings.integer("day.seconds", 60);

    private final ScenarioBuilder nightBatch = scenario("Night batch")
            .feed(Coffre.submissions(Coffre.generator("night"), Settings.integer("batch.size", 10)))
            .exec(Coffre.submit("night submission set", producers, "chu-lyon-dpi"))
            .exec(session -> session.remove("body"));

    private final ScenarioBuilder lab = scenario("Daytime laboratory")
            .feed(Coffre.uploads(Coffre.generator("daylab"), DocumentKind.LAB_RESULT, "labo-biomed-sil"))
            .exec(Coffre.upload("day lab result", producers))
            .exec(session -> session.remove("body"));

    private final ScenarioBuilder mix = scenario("Daytime uploads")
            .feed(Coffre.uploads(Coffre.generator("daymix"), null, null))
            .exec(Coffre.upload("day upload", producers))
            .exec(session -> session.remove("body"));

    {
        setUp(
                nightBatch.injectOpen(Coffre.rampThenPlateau(Settings.decimal("night.rate", 0.3), ramp, night)),
                lab.injectOpen(daytime(Settings.decimal("lab.rate", 2))),
                mix.injectOpen(daytime(Settings.decimal("mix.rate", 1))),
                PatientSimulation.visit("Daytime patients", patients)
                        .injectOpen(daytime(Settings.decimal("patient.rate", 1))))
                .protocols(Coffre.protocol())
                .assertions(Coffre.assertions(1.0, 20_000, 30_000));
    }

    /** Starts when the night batch ends. */
    private OpenInjectionStep[] daytime(double rate) {
        List<OpenInjectionStep> steps = new ArrayList<>();
        steps.add(nothingFor(ramp + night));
        steps.addAll(List.of(Coffre.rampThenPlateau(rate, ramp, day)));
        return steps.toArray(OpenInjectionStep[]::new);
    }

    @Override
    public void after() {
        producers.close();
        patients.close();
    }
}
