package dev.griddle.server.interop.mcp;

import dev.griddle.server.agent.AgentListing;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.interop.InteropProperties;
import dev.griddle.server.runner.RunnerDirectory;
import dev.griddle.server.thread.AgentThreads;
import dev.griddle.server.web.Caller;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools one key sees: each runner it sees, named after the runner, taking the runner's
 * {@code input_schema} (an open object when it has none); then each agent it sees as
 * {@code ask_<agent>}, taking a {@code message}. Built from the database on every request, so any
 * node lists the same tools and a rename shows at once.
 */
@Component
class ToolCatalog {

    enum Kind { RUNNER, AGENT }

    /** A tool and what it calls. */
    record Entry(Kind kind, UUID targetId, McpSchema.Tool tool) {
        String name() {
            return tool.name();
        }
    }

    private final RunnerDirectory runners;
    private final AgentListing agents;
    private final InteropProperties props;
    private final JsonMapper json;

    ToolCatalog(RunnerDirectory runners, AgentListing agents, InteropProperties props, JsonMapper json) {
        this.runners = runners;
        this.agents = agents;
        this.props = props;
        this.json = json;
    }

    List<Entry> entries(Caller caller) {
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        Set<String> taken = new HashSet<>();
        List<Entry> out = new ArrayList<>();
        for (RunnerDirectory.Listed r : runners.visible(caller.orgId(), scope, props.maxTools())) {
            String name = ToolNames.unique(ToolNames.plain("", r.name(), "runner"), r.id(), taken);
            taken.add(name);
            String description = (r.description() == null || r.description().isBlank() ? "Runs the Griddle runner '" + r.name() + "'."
                    : r.description()) + " Returns the run's output; a run still going after " + props.callWait().toSeconds()
                    + " s, or waiting for an approval, returns its run id, status and where to follow or approve it.";
            out.add(new Entry(Kind.RUNNER, r.id(), McpSchema.Tool.builder().name(name).title(r.name()).description(description)
                    .inputSchema(schema(r.inputSchema())).build()));
        }
        for (AgentListing.Listed a : agents.visible(caller.orgId(), scope, props.maxTools())) {
            String name = ToolNames.unique(ToolNames.plain("ask_", a.name(), "agent"), a.id(), taken);
            taken.add(name);
            String description = "Asks the Griddle agent '" + a.name() + "'" + (a.description() == null || a.description().isBlank() ? ""
                    : " (" + a.description() + ")") + " and returns its answer. Pass thread_id from an earlier answer to go on in that conversation.";
            out.add(new Entry(Kind.AGENT, a.id(), McpSchema.Tool.builder().name(name).title("Ask " + a.name()).description(description)
                    .inputSchema(askSchema()).build()));
        }
        return out;
    }

    Optional<Entry> find(Caller caller, String name) {
        return entries(caller).stream().filter(e -> e.name().equals(name)).findFirst();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> schema(JsonNode inputSchema) {
        if (inputSchema == null || !inputSchema.isObject()) {
            return Map.of("type", "object");
        }
        return json.convertValue(inputSchema, Map.class);
    }

    private static Map<String, Object> askSchema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("message", Map.of("type", "string", "minLength", 1, "maxLength", AgentThreads.MAX_CONTENT, "description", "What to ask the agent"));
        properties.put("thread_id", Map.of("type", "string", "format", "uuid", "description", "Go on in this thread (from an earlier answer)"));
        return Map.of("type", "object", "properties", properties, "required", List.of("message"));
    }
}
