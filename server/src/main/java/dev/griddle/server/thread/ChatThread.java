package dev.griddle.server.thread;

import java.time.Instant;
import java.util.UUID;

/** A conversation with one agent. */
record ChatThread(UUID id, UUID orgId, UUID agentId, String title, Instant createdAt, Instant updatedAt) {
}
