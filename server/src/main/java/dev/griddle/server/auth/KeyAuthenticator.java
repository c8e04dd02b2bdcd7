package dev.griddle.server.auth;

import dev.griddle.server.web.CallerResolver;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
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
        return keys.findBySecret(secret).<Result>map(row -> refusal(row).<Result>map(Result.Refused::new)
                .orElseGet(() -> new Result.Accepted(row.caller()))).orElseGet(() -> new Result.Refused("Unknown API key"));
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
