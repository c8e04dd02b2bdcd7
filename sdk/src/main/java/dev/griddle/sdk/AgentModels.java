package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Agents and the resources around them: skills, plans and threads. */
public final class AgentModels {

    private AgentModels() {
    }

    public record Agent(UUID id, String name, String description, String model, String instructions, Double temperature, UUID projectId,
            Instant createdAt, Instant updatedAt) {
    }

    /** For create (name required) and update (only the fields given change). */
    public record AgentInput(String name, String description, String model, String instructions, Double temperature, UUID projectId) {
        public static AgentInput of(String name, String model, String instructions) {
            return new AgentInput(name, null, model, instructions, null, null);
        }
    }

    /** Bring-your-own provider keys: null leaves a key as it is, an empty string removes it. */
    public record Credentials(String openaiApiKey, String anthropicApiKey) {
    }

    public record Skill(UUID id, String name, String description, String instructions, Instant createdAt, Instant updatedAt) {
    }

    /** For create (name and instructions required) and update (only the fields given change). */
    public record SkillInput(String name, String description, String instructions) {
    }

    /** {@code todos} in the order they were added. */
    public record Plan(UUID id, String title, UUID threadId, UUID runId, List<Todo> todos, Instant createdAt, Instant updatedAt) {
    }

    /** {@code status}: open, in_progress, done or cancelled; {@code blockedBy}: todos of the same plan. */
    public record Todo(UUID id, String title, String status, List<UUID> blockedBy, Instant createdAt, Instant updatedAt) {
    }

    /** For create (title required; todos optional, open and unblocked) and update (title only). */
    public record PlanInput(String title, UUID threadId, UUID runId, List<TodoInput> todos) {
        public static PlanInput of(String title, String... todos) {
            return new PlanInput(title, null, null, java.util.Arrays.stream(todos).map(TodoInput::of).toList());
        }
    }

    /** For adding a todo (title required) and changing one (title and/or status; blockedBy only when adding). */
    public record TodoInput(String title, String status, List<UUID> blockedBy) {
        public static TodoInput of(String title) {
            return new TodoInput(title, null, null);
        }

        public static TodoInput status(String status) {
            return new TodoInput(null, status, null);
        }
    }

    /** A plain list answer: {@code {"data": [...]}}. */
    public record Items<T>(List<T> data) {
    }

    /** {@code user}: whom the agent talks with in this thread (null: nobody named), and so whose memory its tools use. */
    public record ChatThread(UUID id, UUID agentId, String title, String user, Instant createdAt, Instant updatedAt) {
    }

    /** Something an agent remembers, of one user or none; {@code source}: api, tool or turn. */
    public record MemoryEntry(UUID id, UUID agentId, String user, String text, Instant createdAt, String source) {
    }

    /** A new memory entry; {@code user} may be null. */
    public record MemoryInput(String text, String user) {
    }

    /** A memory search: {@code user} null searches the entries without a user; {@code topK} null is 5. */
    public record MemoryQuery(String query, String user, Integer topK) {
    }

    public record MemoryHit(UUID id, String text, String user, double score, Instant createdAt) {
    }

    /** {@code autoIndexTurns}: each completed turn becomes a memory entry of the thread's user. */
    public record MemorySettings(Boolean autoIndexTurns) {
    }

    /**
     * {@code role}: user or assistant. {@code status}: completed; for an answer also streaming,
     * stopped (partial text kept), failed or interrupted (its server node died while writing it).
     * {@code toolCalls}: {@code [{name, arguments, result | error}]}. {@code usage}: an answer's
     * tokens and cost over the turn's model calls; null for a user message.
     */
    public record ThreadMessage(UUID id, UUID threadId, long seq, String role, String content, String status,
            tools.jackson.databind.JsonNode toolCalls, MessageUsage usage, Instant createdAt) {
    }

    /** Tokens and cost of an answer, summed over its turn's model calls; cost from the server's model catalog. */
    public record MessageUsage(String model, int modelCalls, long inputTokens, long outputTokens, java.math.BigDecimal costUsd) {
    }

    /**
     * One Server-Sent Event of an answer: {@code message.delta {text}}, {@code tool.call {name, arguments}},
     * {@code tool.result {name, result | error}}, {@code message.completed {message}}, {@code error {code, message}}.
     */
    public record ChatEvent(String type, tools.jackson.databind.JsonNode data) {
    }
}
