package fr.coffre.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Where a run sends its load: the local stack unless a load tester aims it elsewhere on purpose. */
class SettingsTest {

    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void ownEnvironment() {
        Settings.environment = environment::get;
    }

    @AfterEach
    void restore() {
        Settings.environment = System::getenv;
        System.clearProperty("base.url");
        System.clearProperty("allow.remote");
    }

    @Test
    void withNothingSetARunTargetsTheLocalStackAsItsProducers() {
        assertEquals("http://127.0.0.1:8080", Settings.baseUrl());
        assertEquals("http://127.0.0.1:58080/realms/coffre/protocol/openid-connect/token", Settings.tokenUrl());
        assertEquals(new Settings.Client("labo-biomed-sil", "labo-biomed-local-secret"), Settings.producer("labo-biomed-sil"));
        assertEquals(new Settings.Client("coffre-portal", "portal-local-secret"), Settings.portal());
    }

    @Test
    void environmentVariablesAimAtStagingOnlyWhenARemoteTargetIsAllowed() {
        environment.put("COFFRE_LOAD_BASE_URL", "https://coffre.staging.example/");
        environment.put("COFFRE_LOAD_TOKEN_URL", "https://idp.staging.example/realms/coffre/protocol/openid-connect/token");
        environment.put("COFFRE_LOAD_CLIENT_ID", "staging-load-tester");
        environment.put("COFFRE_LOAD_CLIENT_SECRET", "s3cret");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, Settings::baseUrl);
        assertTrue(refused.getMessage().contains("allow.remote=true"), refused.getMessage());

        environment.put("COFFRE_LOAD_ALLOW_REMOTE", "true");
        assertEquals("https://coffre.staging.example", Settings.baseUrl());
        assertEquals("https://idp.staging.example/realms/coffre/protocol/openid-connect/token", Settings.tokenUrl());
        assertEquals(
                new Settings.Client("staging-load-tester", "s3cret"),
                Settings.producer("chu-lyon-dpi"),
                "every producer of the scenarios sends as the one client given");
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironment() {
        environment.put("COFFRE_LOAD_BASE_URL", "http://127.0.0.1:9999");
        System.setProperty("base.url", "http://127.0.0.1:18080");
        assertEquals("http://127.0.0.1:18080", Settings.baseUrl());
    }

    @Test
    void aClientWithoutItsSecretIsRefusedBeforeAnyRequest() {
        environment.put("COFFRE_LOAD_CLIENT_ID", "staging-load-tester");
        assertThrows(IllegalArgumentException.class, () -> Settings.producer("labo-biomed-sil"));
    }
}
