package dev.griddle.server.thread;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One message of a thread. {@code role}: user or assistant. {@code status}: completed; for an
 * answer also streaming (being written), stopped (cut short by {@code /stop}, partial text kept)
 * or failed. {@code toolCalls}: {@code [{name, arguments, result | error}]} made while answering.
 */
record ThreadMessage(UUID id, UUID threadId, long seq, String role, String content, String status, JsonNode toolCalls, Instant createdAt) {
}
