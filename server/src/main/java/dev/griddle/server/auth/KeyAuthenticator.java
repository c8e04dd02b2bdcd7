package dev.griddle.server.auth;

import dev.griddle.server.web.CallerResolver;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Checks a presented key against the stored hashes on every request, so a revocation or expiry
 * takes effect at once, on every node.
 */
@Component
class KeyAuthenticator implements CallerResolver {

    private final ApiKeyStore keys;
    private final Clock clock;

    KeyAuthenticator(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public Result resolve(String secret) {
        if (secret.length() > 200) {
            return new Result.Refused("Unknown API key");
        }
        return keys.findBySecret(secret).<Result>map(row -> {
            Instant now = clock.instant();
            if (row.revokedAt() != null) {
                return new Result.Refused("API key " + row.prefix() + "… was revoked");
            }
            if (row.expiresAt() != null && !row.expiresAt().isAfter(now)) {
                return new Result.Refused("API key " + row.prefix() + "… expired at " + row.expiresAt());
            }
            return new Result.Accepted(row.caller());
        }).orElseGet(() -> new Result.Refused("Unknown API key"));
    }
}
