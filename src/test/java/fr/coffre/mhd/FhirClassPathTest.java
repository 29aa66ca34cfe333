package fr.coffre.mhd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FhirClassPathTest {

    @Test
    void theClassPathHoldsOneOkHttpWhateverHapiFhirWouldBring() throws Exception {
        // HAPI FHIR's utilities depend on OkHttp 5; the MinIO client runs on OkHttp 4, from the same package.
        List<URL> clients = Collections.list(getClass().getClassLoader().getResources("okhttp3/OkHttpClient.class"));
        assertEquals(1, clients.size(), clients.toString());
        List<URL> okio = Collections.list(getClass().getClassLoader().getResources("okio/Buffer.class"));
        assertEquals(1, okio.size(), okio.toString());
    }
}
