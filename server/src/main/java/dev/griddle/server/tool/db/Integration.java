package dev.griddle.server.tool.db;

import java.time.Instant;
import java.util.UUID;

/** A database integration as stored; {@code passwordSealed} is SecretBox ciphertext and never leaves the server. */
record Integration(UUID id, UUID orgId, String name, String kind, String url, String username, String passwordSealed, Instant createdAt,
        Instant updatedAt) {
}
