package dev.griddle.server.runner;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** What the runner API returns. */
public final class RunnerViews {

    private RunnerViews() {
    }

    /** A runner and its draft. {@code valid}: whether the draft would publish; {@code latest_version}: null until first published. */
    public record Runner(UUID id, String name, String description, String defaultModel, JsonNode inputSchema, UUID projectId, JsonNode steps,
            JsonNode output, Integer latestVersion, boolean valid, Instant createdAt, Instant updatedAt) {
    }

    /** An immutable version: what runs pinned to it execute. */
    public record Version(UUID runnerId, int version, String name, JsonNode steps, JsonNode output, JsonNode inputSchema, String defaultModel,
            Instant createdAt) {

        static Version of(VersionStore.StoredVersion v) {
            JsonNode spec = v.spec();
            return new Version(v.runnerId(), v.version(), v.name(), spec.get("steps"), nullable(spec.get("output")),
                    nullable(spec.get("input_schema")), spec.hasNonNull("default_model") ? spec.get("default_model").asString() : null,
                    v.createdAt());
        }

        private static JsonNode nullable(JsonNode node) {
            return node == null || node.isNull() ? null : node;
        }
    }

    /** The answer of {@code POST /runners/{id}/validate}. */
    /** A gated publish whose experiment was still running when the wait ended. */
    public record GatePending(int version, UUID experimentId, String status, String experimentUrl) {
    }

    public record Validation(boolean valid, List<ValidationError> errors) {
    }
}
