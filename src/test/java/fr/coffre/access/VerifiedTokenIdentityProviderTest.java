package fr.coffre.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/**
 * The reuse of verified tokens, against a stand-in for Quarkus OIDC's provider that counts what it
 * is asked and a clock the test moves. Against the real realm: {@code VerifiedTokenReuseTest}.
 */
class VerifiedTokenIdentityProviderTest {

    static final long START = 1_800_000_000_000L;

    final MovableClock clock = new MovableClock();
    final StandInOidc oidc = new StandInOidc();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AuthenticationRequestContext context = new BlockingContext();

    VerifiedTokenIdentityProvider provider(Duration reuse, int max) {
        return new VerifiedTokenIdentityProvider(oidc, clock, reuse, max, registry);
    }

    @Test
    void aTokenSeenAgainIsVerifiedOnceAndCountedAsReused() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.expiresAt.put("token-a", START / 1000 + 300);

        SecurityIdentity first = authenticate(provider, "token-a", null);
        SecurityIdentity second = authenticate(provider, "token-a", null);

        assertEquals(List.of("token-a"), oidc.asked);
        assertEquals("caller of token-a", second.getPrincipal().getName());
        assertSame(first.getPrincipal(), second.getPrincipal());
        assertEquals(Set.of("producer"), second.getRoles());
        assertEquals("tenant-of-token-a", second.getAttribute("tenant-id"));
        assertEquals(1.0, registry.counter("coffre.tokens.verified").count());
        assertEquals(1.0, registry.counter("coffre.tokens.reused").count());
    }

    @Test
    void aTokenChangedInOneCharacterIsVerifiedAsANewOne() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.expiresAt.put("token-a", START / 1000 + 300);
        authenticate(provider, "token-a", null);

        assertThrows(AuthenticationFailedException.class, () -> authenticate(provider, "token-b", null));

        assertEquals(List.of("token-a", "token-b"), oidc.asked);
    }

    @Test
    void aRefusedTokenIsAskedAboutAgainEveryTime() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);

        assertThrows(AuthenticationFailedException.class, () -> authenticate(provider, "forged", null));
        assertThrows(AuthenticationFailedException.class, () -> authenticate(provider, "forged", null));

        assertEquals(List.of("forged", "forged"), oidc.asked);
    }

    @Test
    void aTokenIsNeverReusedPastItsExpiry() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.expiresAt.put("short", START / 1000 + 5);
        authenticate(provider, "short", null);

        clock.now = START + 4_999;
        authenticate(provider, "short", null);
        assertEquals(1, oidc.asked.size(), "reused while the token lives");

        clock.now = START + 5_000;
        oidc.expiresAt.remove("short"); // the real provider refuses it from then on
        assertThrows(AuthenticationFailedException.class, () -> authenticate(provider, "short", null));
        assertEquals(2, oidc.asked.size());
    }

    @Test
    void aLongLivedTokenIsVerifiedAgainOnceItsReuseHasRunOut() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofSeconds(30), 10);
        oidc.expiresAt.put("long", START / 1000 + 3_600);
        authenticate(provider, "long", null);

        clock.now = START + 29_999;
        authenticate(provider, "long", null);
        clock.now = START + 30_000;
        authenticate(provider, "long", null);
        authenticate(provider, "long", null);

        assertEquals(List.of("long", "long"), oidc.asked);
    }

    @Test
    void aTokenWithoutExpiryIsVerifiedEveryTime() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.withoutExpiry.add("timeless");

        authenticate(provider, "timeless", null);
        authenticate(provider, "timeless", null);

        assertEquals(List.of("timeless", "timeless"), oidc.asked);
    }

    @Test
    void noReuseVerifiesEveryRequestsToken() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ZERO, 10);
        oidc.expiresAt.put("token-a", START / 1000 + 300);

        authenticate(provider, "token-a", null);
        authenticate(provider, "token-a", null);

        assertEquals(List.of("token-a", "token-a"), oidc.asked);
    }

    @Test
    void whenFullTheTokensInUseStayAndANewOneIsVerifiedEachTime() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 2);
        for (String token : List.of("a", "b", "c")) {
            oidc.expiresAt.put(token, START / 1000 + 300);
            authenticate(provider, token, null);
        }
        authenticate(provider, "a", null);
        authenticate(provider, "b", null);
        authenticate(provider, "c", null);

        assertEquals(List.of("a", "b", "c", "c"), oidc.asked);
    }

    @Test
    void whenFullAnExpiredTokenMakesRoomForANewOne() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 2);
        oidc.expiresAt.put("brief", START / 1000 + 1);
        oidc.expiresAt.put("a", START / 1000 + 300);
        oidc.expiresAt.put("c", START / 1000 + 300);
        authenticate(provider, "brief", null);
        authenticate(provider, "a", null);

        clock.now = START + 2_000;
        authenticate(provider, "c", null);
        authenticate(provider, "c", null);

        assertEquals(List.of("brief", "a", "c"), oidc.asked);
    }

    @Test
    void aReusedIdentityCarriesTheRequestItServesNotTheFirstOne() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.expiresAt.put("token-a", START / 1000 + 300);
        RoutingContext firstRequest = routingContext();
        RoutingContext secondRequest = routingContext();
        SecurityIdentity first = authenticate(provider, "token-a", firstRequest);

        SecurityIdentity second = authenticate(provider, "token-a", secondRequest);

        assertSame(firstRequest, first.getAttribute(RoutingContext.class.getName()));
        assertSame(secondRequest, second.getAttribute(RoutingContext.class.getName()));
        assertSame(context, second.getAttribute(AuthenticationRequestContext.class.getName()));
        assertEquals(1, oidc.asked.size());
    }

    @Test
    void aReusedIdentityWithoutARequestHoldsNone() {
        VerifiedTokenIdentityProvider provider = provider(Duration.ofMinutes(1), 10);
        oidc.expiresAt.put("token-a", START / 1000 + 300);
        authenticate(provider, "token-a", routingContext());

        SecurityIdentity again = authenticate(provider, "token-a", null);

        assertNull(again.getAttribute(RoutingContext.class.getName()), "the first request's context was kept");
        assertNull(again.getAttribute(AuthenticationRequestContext.class.getName()));
    }

    SecurityIdentity authenticate(VerifiedTokenIdentityProvider provider, String token, RoutingContext routing) {
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new TokenCredential(token, "bearer"));
        if (routing != null) {
            HttpSecurityUtils.setRoutingContextAttribute(request, routing);
        }
        return provider.authenticate(request, context).await().atMost(Duration.ofSeconds(5));
    }

    /** A routing context only as an identity's attribute holds it: something to compare and to put into. */
    static RoutingContext routingContext() {
        return (RoutingContext) Proxy.newProxyInstance(
                RoutingContext.class.getClassLoader(),
                new Class<?>[] {RoutingContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "routing context";
                    default -> null;
                });
    }

    /** Verifies a token when it knows when that token expires, or that it has none; refuses any other. */
    final class StandInOidc implements IdentityProvider<TokenAuthenticationRequest> {
        final Map<String, Long> expiresAt = new HashMap<>();
        final Set<String> withoutExpiry = new HashSet<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(
                TokenAuthenticationRequest request, AuthenticationRequestContext ctx) {
            String token = request.getToken().getToken();
            asked.add(token);
            Long exp = expiresAt.get(token);
            if (exp == null && !withoutExpiry.contains(token)) {
                return Uni.createFrom().failure(new AuthenticationFailedException("refused"));
            }
            QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new Jwt("caller of " + token, exp))
                    .addCredential(request.getToken())
                    .addRole("producer")
                    .addAttribute("tenant-id", "tenant-of-" + token);
            RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
            if (routing != null) {
                builder.addAttribute(RoutingContext.class.getName(), routing);
                builder.addAttribute(AuthenticationRequestContext.class.getName(), ctx);
            }
            return Uni.createFrom().item(builder.build());
        }
    }

    record Jwt(String getName, Long exp) implements JsonWebToken {
        @Override
        public Set<String> getClaimNames() {
            return exp == null ? Set.of() : Set.of("exp");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return "exp".equals(claimName) ? (T) exp : null;
        }
    }

    static final class MovableClock implements InstantSource {
        long now = START;

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }
    }

    static final class BlockingContext implements AuthenticationRequestContext {
        @Override
        public Uni<SecurityIdentity> runBlocking(Supplier<SecurityIdentity> function) {
            return Uni.createFrom().item(function);
        }
    }
}
