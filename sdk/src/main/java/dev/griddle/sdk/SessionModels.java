package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Sessions: long-lived processes on worker hosts (docs/sessions.md). */
public final class SessionModels {

    private SessionModels() {
    }

    /** {@code status}: pending, starting, running, idle, terminated or failed (with {@code exitCode} and {@code reason}). */
    public record Session(UUID id, String status, String template, String initialPrompt, List<String> labels, JsonNode metadata, UUID projectId,
            UUID workerId, Integer exitCode, String reason, boolean execAllowed, UUID runId, String stepId, Instant createdAt, Instant startedAt,
            Instant endedAt, Instant archivedAt) {

        public boolean ended() {
            return "terminated".equals(status) || "failed".equals(status);
        }
    }

    public record CreateSession(String template, String initialPrompt, List<String> labels, UUID projectId, Map<String, Object> metadata) {
        public static CreateSession of(String template, String initialPrompt) {
            return new CreateSession(template, initialPrompt, null, null, null);
        }
    }

    /** One timeline entry: {@code type} output ({@code data.stream}, {@code data.line}), message, status, exec_result, cancel_requested, archived. */
    public record SessionEvent(long seq, String type, JsonNode data, Instant createdAt) {
    }

    public record SessionEvents(List<SessionEvent> data, Cursor meta) {
        public record Cursor(String nextCursor) {
        }
    }

    public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    public record TemplateHost(UUID workerId, String workerName, String status, List<String> labels, boolean exec, long idleAfterMs,
            long maxDurationMs, long maxOutputBytes, int maxPods) {
    }

    public record SessionTemplateInfo(String name, List<TemplateHost> hosts) {
    }

    /** AgentsMesh's pod shape: {@code key} is the session id, {@code agentTypeId} the template. */
    public record Pod(UUID key, String status, String agentTypeId, String initialPrompt, Instant createdAt) {
    }

    public record Pods(List<Pod> pods, long total, int limit, long offset) {
    }
}
