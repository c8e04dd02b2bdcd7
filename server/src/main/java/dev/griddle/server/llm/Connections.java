package dev.griddle.server.llm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * What a runner or an agent is connected to: tools, web and plan settings, and attached MCP
 * servers, integrations and skills. {@link #merge} is API.md's merge table.
 */
public record Connections(List<ToolLink> tools, JsonNode web, JsonNode plan, Map<String, List<UUID>> attachments) {

    /** A tool attached to an owner; {@code allowed: false} keeps it from models. */
    public record ToolLink(UUID toolId, String name, boolean allowed) {
    }

    /** Reads an owner's connections; implemented by the agent feature, which owns the connection tables. */
    public interface Source {
        /** {@code ownerKind}: {@code runner} or {@code agent}. */
        Connections of(UUID orgId, String ownerKind, UUID ownerId);
    }

    /**
     * The column of the {@code connection_*} tables that holds an owner of this kind: each kind has
     * its own, a foreign key to its table, so deleting the owner deletes its links.
     */
    public static String ownerColumn(String ownerKind) {
        return switch (ownerKind) {
            case "runner" -> "runner_id";
            case "agent" -> "agent_id";
            default -> throw new IllegalArgumentException("a connection owner is a runner or an agent, was '" + ownerKind + "'");
        };
    }

    public Connections {
        tools = tools == null ? List.of() : List.copyOf(tools);
        attachments = attachments == null ? Map.of() : Map.copyOf(attachments);
    }

    /**
     * A step with an {@code agent_id} gets both owners' connections: tools combined, the agent's
     * winning on a name clash; MCP servers, integrations and skills combined (the agent's entry
     * kept on the same id); web and plan settings the agent's when the agent has them enabled.
     */
    public static Connections merge(Connections runner, Connections agent) {
        if (agent == null) {
            return runner;
        }
        Map<String, ToolLink> tools = new LinkedHashMap<>();
        runner.tools().forEach(t -> tools.put(t.name(), t));
        agent.tools().forEach(t -> tools.put(t.name(), t));
        Map<String, List<UUID>> attachments = new LinkedHashMap<>();
        for (Map<String, List<UUID>> side : List.of(runner.attachments(), agent.attachments())) {
            side.forEach((kind, ids) -> {
                List<UUID> merged = attachments.computeIfAbsent(kind, k -> new ArrayList<>());
                ids.stream().filter(id -> !merged.contains(id)).forEach(merged::add);
            });
        }
        return new Connections(new ArrayList<>(tools.values()), enabled(agent.web()) ? agent.web() : runner.web(),
                enabled(agent.plan()) ? agent.plan() : runner.plan(), attachments);
    }

    private static boolean enabled(JsonNode settings) {
        return settings != null && settings.path("enabled").asBoolean(false);
    }

    /** The allowed tools by name. */
    public Map<String, ToolLink> allowedTools() {
        Map<String, ToolLink> out = new LinkedHashMap<>();
        tools.stream().filter(ToolLink::allowed).forEach(t -> out.put(t.name(), t));
        return out;
    }
}
