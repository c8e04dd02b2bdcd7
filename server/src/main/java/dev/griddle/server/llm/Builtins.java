package dev.griddle.server.llm;

import dev.griddle.server.tool.Tool;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Griddle's own tools for a model — {@code load_skill} for attached skills, the plan tools when the
 * {@code plan} setting is enabled — and the end-of-turn plan reminder, for thread turns and
 * {@code llm} steps alike. Implemented by the agent feature, which owns skills and plans.
 */
public interface Builtins {

    /** Whose plan the plan tools work on: a thread's or a run's (exactly one of the two ids). */
    record PlanOwner(UUID orgId, UUID threadId, UUID runId) {
        public PlanOwner {
            Objects.requireNonNull(orgId, "orgId");
            if ((threadId == null) == (runId == null)) {
                throw new IllegalArgumentException("a plan owner is a thread or a run: threadId=" + threadId + ", runId=" + runId);
            }
        }

        public static PlanOwner thread(UUID orgId, UUID threadId) {
            return new PlanOwner(orgId, threadId, null);
        }

        public static PlanOwner run(UUID orgId, UUID runId) {
            return new PlanOwner(orgId, null, runId);
        }
    }

    /** A todo that is not finished ({@code open} or {@code in_progress}). */
    record OpenTodo(UUID id, String title, String status) {
    }

    /** What a model that answered while its plan has unfinished todos is told; {@code message} goes to it as a user message. */
    record Reminder(UUID planId, String planTitle, List<OpenTodo> todos, String message) {
    }

    /** The built-in tools the owner's connections give, by name (empty when none). */
    Map<String, Tool> tools(PlanOwner owner, Connections connections);

    /**
     * The reminder due when a model has just finished: present only when the {@code plan} setting is
     * enabled with {@code remind_on_turn_end}, the owner has a plan, and that plan has open or
     * in-progress todos. Callers send at most one per turn or step attempt.
     */
    Optional<Reminder> reminder(PlanOwner owner, Connections connections);
}
