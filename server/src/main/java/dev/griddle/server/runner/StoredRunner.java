package dev.griddle.server.runner;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A {@code runners} row: identity plus the editable draft. JSON columns that are SQL null are null here. */
record StoredRunner(UUID id, UUID orgId, UUID projectId, String name, String description, String defaultModel, JsonNode inputSchema,
        List<RunnerDraft.Step> steps, JsonNode output, String recording, List<String> redact, String draftHash, Integer latestVersion,
        Instant createdAt, Instant updatedAt) {

    StoredRunner {
        recording = "on".equals(recording) ? null : recording; // on is the default: a draft that says so hashes as one that does not
        redact = redact == null || redact.isEmpty() ? null : List.copyOf(redact);
    }

    /** What publishing this draft would freeze: the content of a version. */
    RunnerSpec.Stored spec() {
        return new RunnerSpec.Stored(steps.stream().map(RunnerDraft.Step::toStored).toList(), output, inputSchema, defaultModel, recording, redact);
    }
}
