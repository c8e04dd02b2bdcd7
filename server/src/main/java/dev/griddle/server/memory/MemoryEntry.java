package dev.griddle.server.memory;

import java.time.Instant;
import java.util.UUID;

/** One thing an agent remembers, of one user ({@code user} null: of no user); {@code source}: {@code api}, {@code tool} or {@code turn}. */
public record MemoryEntry(UUID id, UUID agentId, String user, String text, Instant createdAt, String source) {
}
