package fr.coffre.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Patients of the local realm (patient.dominique, patient.camille) list their documents, search
 * them and download one. Parameters: -Drate (patient visits/s, default 1), -Dramp.seconds (10),
 * -Dplateau.seconds (30). Documents come from earlier runs of the producer scenarios, most of
 * which are filed under these two patients.
 */
public class PatientSimulation extends Simulation {

    static final List<String> PATIENTS = List.of("patient.dominique", "patient.camille");
    static final List<String> SEARCHES = List.of("biologie", "thyreostimuline", "glycemie", "hemoglobine",
            "compte rendu", "imagerie", "scanner", "consultation", "cholesterol", "ferritine", "urgence");

    static Tokens patientTokens() {
        Tokens tokens = Tokens.forTarget();
        PATIENTS.forEach(tokens::user);
        return tokens;
    }

    static Iterator<Map<String, Object>> visits() {
        return Stream.generate(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            return Map.<String, Object>of("patient", PATIENTS.get(random.nextInt(PATIENTS.size())),
                    "search", SEARCHES.get(random.nextInt(SEARCHES.size())));
        }).iterator();
    }

    /** A visit: the newest documents, a search, then one document's metadata and content. */
    static ScenarioBuilder visit(String name, Tokens tokens) {
        return scenario(name)
                .feed(visits())
                .exec(http("list my documents").get("/api/v1/me/documents")
                        .queryParam("limit", 20)
                        .header("Authorization", session -> tokens.bearer(session.getString("patient")))
                        .check(status().is(200))
                        .check(jsonPath("$.items[*].id").findRandom().optional().saveAs("documentId")))
                .pause(Duration.ofMillis(200), Duration.ofSeconds(2))
                .exec(http("search my documents").get("/api/v1/me/documents")
                        .queryParam("q", "#{search}")
                        .queryParam("limit", 20)
                        .header("Authorization", session -> tokens.bearer(session.getString("patient")))
                        .check(status().is(200)))
                .doIf(session -> session.contains("documentId")).then(
                        exec(http("one document").get("/api/v1/me/documents/#{documentId}")
                                .header("Authorization", session -> tokens.bearer(session.getString("patient")))
                                .check(status().is(200)))
                        .pause(Duration.ofMillis(200), Duration.ofSeconds(1))
                        .exec(http("download").get("/api/v1/me/documents/#{documentId}/content")
                                .header("Authorization", session -> tokens.bearer(session.getString("patient")))
                                .check(status().is(200))));
    }

    private final Tokens tokens = patientTokens();

    {
        setUp(visit("Patients", tokens).injectOpen(Coffre.rampThenPlateau(Settings.decimal("rate", 1),
                        Settings.integer("ramp.seconds", 10), Settings.integer("plateau.seconds", 30))))
                .protocols(Coffre.protocol())
                .assertions(Coffre.assertions(1.0, 1000, 2000));
    }

    @Override
    public void after() {
        tokens.close();
    }
}
