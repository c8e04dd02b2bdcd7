package dev.griddle.server.auth;

import java.time.Instant;
import java.util.UUID;

/** A project groups runners and agents inside an organization. */
public record Project(UUID id, String name, String description, Instant createdAt, Instant updatedAt) {
}
