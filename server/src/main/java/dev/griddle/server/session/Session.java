package dev.griddle.server.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A session as the API shows it: a long-lived process on a worker host. {@code status} is one of
 * {@code pending} (waiting for a host), {@code starting}, {@code running}, {@code idle} (no output
 * for the template's {@code idle_after_ms}), {@code terminated} or {@code failed}, the last two with
 * {@code exit_code} (when the child exited) and {@code reason}.
 */
public record Session(UUID id, String status, String template, String initialPrompt, List<String> labels, JsonNode metadata,
        UUID projectId, UUID workerId, Integer exitCode, String reason, boolean execAllowed, UUID runId, String stepId,
        Instant createdAt, Instant startedAt, Instant endedAt, Instant archivedAt, @JsonIgnore long leaseToken, @JsonIgnore long reportSeq) {

    public boolean ended() {
        return status.equals("terminated") || status.equals("failed");
    }

    boolean placed() {
        return status.equals("starting") || status.equals("running") || status.equals("idle");
    }
}
