package dev.griddle.server.secret;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The secrets store's settings, prefix {@code griddle.secrets}: {@code cache-ttl}
 * ({@code GRIDDLE_SECRETS_CACHE_TTL}) is how long a node keeps an organization's decrypted secrets
 * in memory. A PUT or DELETE clears this node's copy at once; other nodes see the change after at
 * most this long.
 */
@ConfigurationProperties("griddle.secrets")
public record SecretProperties(@DefaultValue("10s") Duration cacheTtl) {

    public SecretProperties {
        if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("griddle.secrets.cache-ttl (GRIDDLE_SECRETS_CACHE_TTL) must be 0..10m, was " + cacheTtl);
        }
    }
}
