package dev.griddle.server.agent;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** A plan and its todos, in the order they were added. */
public record Plan(UUID id, UUID orgId, String title, UUID threadId, UUID runId, List<Todo> todos, Instant createdAt, Instant updatedAt) {

    /** {@code status}: open, in_progress, done or cancelled; {@code blockedBy}: ids of todos in the same plan. */
    public record Todo(UUID id, String title, String status, List<UUID> blockedBy, Instant createdAt, Instant updatedAt) {
    }

    public static final Set<String> STATUSES = Set.of("open", "in_progress", "done", "cancelled");

    public Plan withTodos(List<Todo> todos) {
        return new Plan(id, orgId, title, threadId, runId, todos, createdAt, updatedAt);
    }
}
