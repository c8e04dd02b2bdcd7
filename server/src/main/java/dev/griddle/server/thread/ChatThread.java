package dev.griddle.server.thread;

import java.time.Instant;
import java.util.UUID;

/** A conversation with one agent; {@code user} (null: none) names whom the agent talks with, and so whose memory it uses. */
record ChatThread(UUID id, UUID orgId, UUID agentId, String title, String user, Instant createdAt, Instant updatedAt) {
}
