package dev.griddle.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.griddle.server.GriddleProperties;
import dev.griddle.server.web.CallerResolver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Checks a presented key against the stored hashes. A key found in the database is remembered for
 * {@code griddle.cache.key-ttl} (2 s) by its hash, so a burst of requests costs one lookup,
 * not one each: a key revoked on this node is forgotten at once ({@link #forget}); one revoked on
 * another node, or whose organization was removed, is refused here once its entry expires. Expiry
 * ({@code expires_at}) is checked on every request against the remembered row. Unknown keys are not
 * remembered (a flood of wrong keys must not evict the good ones).
 */
@Component
class KeyAuthenticator implements CallerResolver {

    private final ApiKeyStore keys;
    private final Clock clock;
    private final Cache<String, ApiKeyStore.Row> known;
    /** Guards remembering a row against a revocation on this node between its lookup and its caching. */
    private final Object remembering = new Object();
    private long revocations;

    KeyAuthenticator(ApiKeyStore keys, Clock clock, GriddleProperties props) {
        this.keys = keys;
        this.clock = clock;
        Duration ttl = props.cache().keyTtl();
        this.known = Caffeine.newBuilder().maximumSize(ttl.isZero() ? 0 : props.cache().keys()).expireAfterWrite(ttl).build();
    }

    @Override
    public Result resolve(String secret) {
        if (secret.length() > 200) {
            return new Result.Refused("Unknown API key");
        }
        String hash = KeySecrets.hash(secret);
        ApiKeyStore.Row cached = known.getIfPresent(hash);
        ApiKeyStore.Row row = cached != null ? cached : lookUp(hash);
        if (row == null) {
            return new Result.Refused("Unknown API key");
        }
        return refusal(row).<Result>map(Result.Refused::new).orElseGet(() -> new Result.Accepted(row.caller()));
    }

    /** The stored row of this hash, remembered unless revoked; null for an unknown key. */
    private ApiKeyStore.Row lookUp(String hash) {
        long seen;
        synchronized (remembering) {
            seen = revocations;
        }
        ApiKeyStore.Row row = keys.findByHash(hash).orElse(null);
        if (row == null) {
            return null;
        }
        synchronized (remembering) {
            // a key revoked while we read it may have been read before the revocation committed: do not keep that row
            if (seen == revocations && row.revokedAt() == null) {
                known.put(hash, row);
            }
        }
        return row;
    }

    /** A key revoked here (call after the revocation committed): no later request is accepted with it on this node. */
    void forget(UUID keyId) {
        synchronized (remembering) {
            revocations++;
            known.asMap().values().removeIf(row -> row.id().equals(keyId));
        }
    }

    @Override
    public Result resolveKey(UUID keyId) {
        return keys.findById(keyId)
                .<Result>map(row -> refusal(row).<Result>map(Result.Refused::new).orElseGet(() -> new Result.Accepted(row.caller())))
                .orElseGet(() -> new Result.Refused("API key " + keyId + " no longer exists"));
    }

    @Override
    public Optional<String> refusal(UUID keyId) {
        return keys.findById(keyId).map(this::refusal).orElseGet(() -> Optional.of("API key " + keyId + " no longer exists"));
    }

    private Optional<String> refusal(ApiKeyStore.Row row) {
        Instant now = clock.instant();
        if (row.revokedAt() != null) {
            return Optional.of("API key " + row.prefix() + "… was revoked");
        }
        if (row.expiresAt() != null && !row.expiresAt().isAfter(now)) {
            return Optional.of("API key " + row.prefix() + "… expired at " + row.expiresAt());
        }
        return Optional.empty();
    }
}
