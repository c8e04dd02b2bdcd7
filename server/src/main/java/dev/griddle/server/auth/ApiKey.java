package dev.griddle.server.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An API key as the API shows it. {@code secret} is present only in the create response. */
public record ApiKey(UUID id, String name, String role, List<UUID> projectIds, String prefix, Instant expiresAt,
        Instant revokedAt, Instant createdAt, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    ApiKey withSecret(String secret) {
        return new ApiKey(id, name, role, projectIds, prefix, expiresAt, revokedAt, createdAt, secret);
    }
}
