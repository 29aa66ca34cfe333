package fr.coffre.roles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoleConfigSourceTest {

    @AfterEach
    void forget() {
        System.clearProperty("coffre.roles");
    }

    @Test
    void aWorkerConsumesAndServesNoApi() {
        System.setProperty("coffre.roles", "worker");
        RoleConfigSource source = new RoleConfigSource();
        assertEquals("false", source.getValue("coffre.role.api"));
        assertEquals("true", source.getValue("mp.messaging.incoming.indexing.enabled"));
        assertEquals("true", source.getValue("mp.messaging.incoming.indexing-retries.enabled"));
    }

    @Test
    void anApiInstanceDoesNotConsume() {
        System.setProperty("coffre.roles", "api");
        RoleConfigSource source = new RoleConfigSource();
        assertEquals("true", source.getValue("coffre.role.api"));
        assertEquals("false", source.getValue("mp.messaging.incoming.indexing.enabled"));
    }

    @Test
    void bothAndIndexingSizedToTheCores() {
        System.setProperty("coffre.roles", "api, worker");
        RoleConfigSource source = new RoleConfigSource();
        assertEquals("true", source.getValue("coffre.role.api"));
        assertEquals("true", source.getValue("coffre.role.worker"));
        String expected = System.getenv()
                .getOrDefault(
                        "COFFRE_INDEXING_CONCURRENCY",
                        String.valueOf(Runtime.getRuntime().availableProcessors()));
        assertEquals(expected, source.getValue("smallrye.messaging.worker.indexing.max-concurrency"));
    }

    @Test
    void anUnknownRoleStopsTheStart() {
        System.setProperty("coffre.roles", "api,indexer");
        assertThrows(IllegalArgumentException.class, RoleConfigSource::new);
    }
}
