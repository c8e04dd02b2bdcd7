package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectScope;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Runners as other ways in list them (the MCP server's tools): what a key's scope sees, with the draft's input schema. */
@Component
public class RunnerDirectory {

    /** A runner as a listing shows it; {@code inputSchema} is the draft's (what a new run checks), null when it has none. */
    public record Listed(UUID id, UUID projectId, String name, String description, JsonNode inputSchema) {
    }

    private final RunnerStore runners;

    RunnerDirectory(RunnerStore runners) {
        this.runners = runners;
    }

    /** The first {@code limit} runners of the organization within {@code scope}, oldest first (a stable order). */
    public List<Listed> visible(UUID orgId, ProjectScope scope, int limit) {
        return runners.visible(orgId, scope, limit).stream()
                .map(r -> new Listed(r.id(), r.projectId(), r.name(), r.description(), r.inputSchema())).toList();
    }
}
