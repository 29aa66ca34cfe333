package fr.coffre.access;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens already verified, each with the identity made of it, until a time no later than
 * its expiry. Keyed by the token's whole text: a token changed in any character is not found.
 * Bounded: when full, the expired ones go, and a token that still finds no room is simply not
 * kept (it is verified again next time), so that the tokens in use stay rather than churn.
 */
final class VerifiedTokens {

    private record Kept(SecurityIdentity identity, long untilMillis) {}

    private final Map<String, Kept> kept = new ConcurrentHashMap<>();
    private final int maxKept;

    VerifiedTokens(int maxKept) {
        this.maxKept = maxKept;
    }

    /** The identity made of that token, if it was kept and {@code nowMillis} is before its end. */
    SecurityIdentity find(String token, long nowMillis) {
        Kept found = kept.get(token);
        if (found == null) {
            return null;
        }
        if (nowMillis < found.untilMillis()) {
            return found.identity();
        }
        kept.remove(token, found);
        return null;
    }

    /** Keeps the identity until {@code untilMillis}; not at all when that time has passed or there is no room. */
    void keep(String token, SecurityIdentity identity, long untilMillis, long nowMillis) {
        if (untilMillis <= nowMillis) {
            return;
        }
        if (kept.size() >= maxKept) {
            kept.values().removeIf(k -> k.untilMillis() <= nowMillis);
            if (kept.size() >= maxKept) {
                return;
            }
        }
        kept.put(token, new Kept(identity, untilMillis));
    }

    int size() {
        return kept.size();
    }
}
