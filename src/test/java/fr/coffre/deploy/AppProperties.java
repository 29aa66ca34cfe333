package fr.coffre.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the deployment files must agree with in src/main/resources/application.properties: the
 * environment variables the service reads and the Kafka topics it owns.
 */
final class AppProperties {

    static final Path FILE = Path.of("src/main/resources/application.properties");

    /**
     * Read by the service to choose its role (api, worker or both); its code lives on another
     * branch and is not in application.properties yet.
     */
    static final String ROLES_VARIABLE = "COFFRE_ROLES";

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:[^}]*)?}");

    private final Properties properties = new Properties();

    private AppProperties() {}

    static AppProperties load() {
        AppProperties app = new AppProperties();
        try (Reader reader = Files.newBufferedReader(FILE)) {
            app.properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return app;
    }

    /**
     * Every environment variable the service reads: those its values reference (${COFFRE_PG_HOST:...}),
     * the environment form of every key (coffre.storage.region is COFFRE_STORAGE_REGION), and COFFRE_ROLES.
     */
    Set<String> environmentNames() {
        Set<String> names = new TreeSet<>();
        names.add(ROLES_VARIABLE);
        for (String key : properties.stringPropertyNames()) {
            names.add(environmentForm(withoutProfile(key)));
            Matcher m = REFERENCE.matcher(properties.getProperty(key));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Variables the prod profile references without a default: the service refuses to start without them. */
    Set<String> requiredInProd() {
        Set<String> names = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("%prod.")) {
                Matcher m = REFERENCE.matcher(properties.getProperty(key));
                while (m.find()) {
                    if (m.group(2) == null) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    /**
     * What the service reads for {@code key} (its prod value, else its default one) when its
     * environment is {@code environment}: a ${VARIABLE:default} reference is resolved in it.
     */
    String valueIn(String key, Map<String, String> environment) {
        String value = properties.getProperty("%prod." + key, properties.getProperty(key));
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        if (m.matches()) {
            String set = environment.get(m.group(1));
            return set != null ? set : m.group(2) == null ? null : m.group(2).substring(1);
        }
        return value;
    }

    /** coffre.kafka.topics.ROLE.{name,partitions,retention}, by role. */
    Map<String, Topic> topics() {
        String prefix = "coffre.kafka.topics.";
        Map<String, Topic> topics = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(prefix) && key.endsWith(".name")) {
                String role = key.substring(prefix.length(), key.length() - ".name".length());
                String base = prefix + role + ".";
                topics.put(
                        role,
                        new Topic(
                                role,
                                properties.getProperty(key),
                                Integer.parseInt(properties.getProperty(base + "partitions")),
                                Duration.parse(properties.getProperty(base + "retention"))));
            }
        }
        return topics;
    }

    record Topic(String role, String name, int partitions, Duration retention) {}

    private static String withoutProfile(String key) {
        if (key.startsWith("%")) {
            int dot = key.indexOf('.');
            return dot < 0 ? key : key.substring(dot + 1);
        }
        return key;
    }

    /** SmallRye Config's rule: every character but letters and digits becomes '_', then upper case. */
    static String environmentForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
