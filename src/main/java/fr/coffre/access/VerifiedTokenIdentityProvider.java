package fr.coffre.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.runtime.OidcIdentityProvider;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.InstantSource;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Bearer tokens verified once, not at every request: a producer sends the same token with each of
 * its uploads for as long as it lives, and Quarkus OIDC's verification of it (its JSON parsed
 * three times, the signature, the claims, the identity built) took 6 % of the api's CPU under the
 * bench (docs/benchmarks.md, session 32). Comes before Quarkus OIDC's own provider, which it asks
 * for a token it has not verified, and keeps what that one answered for the same token's text
 * until {@code coffre.access.verified-token-reuse} has passed or the token expires, whichever comes
 * first. A token changed in any character is a new one; a token refused is never kept. What local
 * verification could not see anyway (a token revoked at the realm) it does not see either.
 */
@ApplicationScoped
public class VerifiedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private static final String ROUTING_CONTEXT = RoutingContext.class.getName();
    private static final String REQUEST_CONTEXT = AuthenticationRequestContext.class.getName();

    private final IdentityProvider<TokenAuthenticationRequest> oidc;
    private final InstantSource clock;
    private final VerifiedTokens verified;
    private final long reuseMillis;
    private final Counter verifications;
    private final Counter reuses;

    @Inject
    VerifiedTokenIdentityProvider(OidcIdentityProvider oidc, AccessConfig config, MeterRegistry registry) {
        this(oidc, InstantSource.system(), config.verifiedTokenReuse(), config.maxVerifiedTokens(), registry);
    }

    VerifiedTokenIdentityProvider(
            IdentityProvider<TokenAuthenticationRequest> oidc,
            InstantSource clock,
            Duration reuse,
            int maxVerifiedTokens,
            MeterRegistry registry) {
        this.oidc = oidc;
        this.clock = clock;
        this.verified = new VerifiedTokens(maxVerifiedTokens);
        this.reuseMillis = reuse.toMillis();
        this.verifications = Counter.builder("coffre.tokens.verified")
                .description(
                        "Bearer tokens verified (signature and claims), each the first time it was seen or once its reuse ended")
                .register(registry);
        this.reuses = Counter.builder("coffre.tokens.reused")
                .description("Requests whose bearer token had been verified already")
                .register(registry);
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before Quarkus OIDC's provider (which keeps the default priority), so that a token reaches it once. */
    @Override
    public int priority() {
        return IdentityProvider.super.priority() + 1;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        long now = clock.millis();
        SecurityIdentity known = reuseMillis > 0 ? verified.find(token, now) : null;
        if (known != null) {
            reuses.increment();
            RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
            if (routing != null) {
                // as Quarkus OIDC does when it verifies, for whoever reads it there later
                routing.put(REQUEST_CONTEXT, context);
            }
            return Uni.createFrom().item(copy(known, routing, context));
        }
        verifications.increment();
        return oidc.authenticate(request, context).invoke(identity -> keep(token, identity, now));
    }

    private void keep(String token, SecurityIdentity identity, long now) {
        if (reuseMillis <= 0 || identity == null || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        // read as a claim: getExpirationTime() unboxes it, and fails on a token without one
        if (jwt.getClaim(Claims.exp.name()) instanceof Number exp && exp.longValue() > 0) {
            long until = Math.min(exp.longValue() * 1000, now + reuseMillis);
            verified.keep(token, copy(identity, null, null), until, now);
        }
    }

    /**
     * The identity with this request's routing and authentication contexts, or with none: kept,
     * it must not hold on to the request it was first made for.
     */
    private static SecurityIdentity copy(
            SecurityIdentity identity, RoutingContext routing, AuthenticationRequestContext context) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .setAnonymous(identity.isAnonymous())
                .addCredentials(identity.getCredentials())
                .addRoles(identity.getRoles())
                .addPermissions(identity.getPermissions());
        identity.getAttributes().forEach((name, value) -> {
            if (!ROUTING_CONTEXT.equals(name) && !REQUEST_CONTEXT.equals(name)) {
                builder.addAttribute(name, value);
            }
        });
        if (routing != null) {
            builder.addAttribute(ROUTING_CONTEXT, routing);
            builder.addAttribute(REQUEST_CONTEXT, context);
        }
        return builder.build();
    }
}
