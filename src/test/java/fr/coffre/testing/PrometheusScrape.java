package fr.coffre.testing;

import static io.restassured.RestAssured.given;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code /q/metrics} says, read the way Prometheus reads it (text format, one sample a line). */
public final class PrometheusScrape {

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? (\\S+)(?: \\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {}

    private final String text;
    private final List<Sample> samples;

    private PrometheusScrape(String text) {
        this.text = text;
        this.samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            // An OpenMetrics exemplar may follow the value: "name{...} 2.0 # {trace_id=...} 1.0 1700000000.0".
            int exemplar = line.indexOf(" # ");
            Matcher m = SAMPLE.matcher((exemplar < 0 ? line : line.substring(0, exemplar)).trim());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
    }

    /** What another service process exposes: the URL of its management interface ({@link ServiceProcess#managementUrl()}). */
    public static PrometheusScrape of(String managementUrl) {
        return new PrometheusScrape(given().baseUri(managementUrl)
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    public static PrometheusScrape now() {
        return new PrometheusScrape(Management.given()
                .when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** The whole exposition text. */
    public String text() {
        return text;
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of the samples of that name whose labels include these (0 when there is none). */
    public double value(String name, Map<String, String> labels) {
        return samples(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }

    public boolean has(String name, Map<String, String> labels) {
        return samples(name).stream().anyMatch(s -> s.labels().entrySet().containsAll(labels.entrySet()));
    }
}
