package fr.coffre.roles;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One image, three ways to run it: {@code COFFRE_ROLES} (or {@code -Dcoffre.roles}) is {@code api},
 * {@code worker} or {@code api,worker} (the default). This turns that single choice into the
 * settings it implies, below explicit environment variables and above application.properties,
 * so an operator can still override any one of them.
 */
public class RoleConfigSource implements ConfigSource {

    public static final String API = "api";
    public static final String WORKER = "worker";
    static final String[] WORKER_CHANNELS = {"indexing", "indexing-retries"};

    private final Map<String, String> properties;

    public RoleConfigSource() {
        String declared =
                System.getProperty("coffre.roles", System.getenv().getOrDefault("COFFRE_ROLES", API + "," + WORKER));
        Set<String> roles = Arrays.stream(declared.split(","))
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .collect(Collectors.toSet());
        if (roles.isEmpty() || !Set.of(API, WORKER).containsAll(roles)) {
            throw new IllegalArgumentException("COFFRE_ROLES must be api, worker or api,worker; it is " + declared);
        }
        Map<String, String> derived = new HashMap<>();
        derived.put("coffre.roles", String.join(",", roles));
        derived.put("coffre.role.api", String.valueOf(roles.contains(API)));
        derived.put("coffre.role.worker", String.valueOf(roles.contains(WORKER)));
        for (String channel : WORKER_CHANNELS) {
            derived.put("mp.messaging.incoming." + channel + ".enabled", String.valueOf(roles.contains(WORKER)));
        }
        // One indexing thread per core unless told otherwise: parsing is CPU-bound.
        String concurrency = System.getenv()
                .getOrDefault(
                        "COFFRE_INDEXING_CONCURRENCY",
                        String.valueOf(Runtime.getRuntime().availableProcessors()));
        derived.put("smallrye.messaging.worker.indexing.max-concurrency", concurrency);
        this.properties = Map.copyOf(derived);
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String name) {
        return properties.get(name);
    }

    @Override
    public String getName() {
        return "coffre-roles";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
