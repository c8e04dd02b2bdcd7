package dev.griddle.server.interop.mcp;

import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.interop.InteropProperties;
import dev.griddle.server.knowledge.KnowledgeReader;
import dev.griddle.server.web.Caller;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read-only resources: {@code griddle://runs/{id}} (the run as JSON: status, input, output, error,
 * cost, times) and {@code griddle://knowledge/{id}} (a document's text, chunk by chunk). Each read
 * is checked against the caller's organization and projects; anything else is "resource not found",
 * as a 404 would be. {@link #recentRuns} lists the newest runs the key sees.
 */
@Component
class McpResources {

    static final String RUNS = "griddle://runs/";
    static final String KNOWLEDGE = "griddle://knowledge/";

    private final RunReader runs;
    private final KnowledgeReader knowledge;
    private final InteropProperties props;
    private final JsonMapper json;

    McpResources(RunReader runs, KnowledgeReader knowledge, InteropProperties props, JsonMapper json) {
        this.runs = runs;
        this.knowledge = knowledge;
        this.props = props;
        this.json = json;
    }

    List<McpStatelessServerFeatures.SyncResourceTemplateSpecification> templates() {
        return List.of(
                new McpStatelessServerFeatures.SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder().uriTemplate(RUNS + "{id}")
                        .name("run").title("A Griddle run").description("A run's status, input, output, error, cost and times, as JSON")
                        .mimeType("application/json").build(), (context, request) -> readRun(GriddleMcpHandler.caller(context), request.uri())),
                new McpStatelessServerFeatures.SyncResourceTemplateSpecification(McpSchema.ResourceTemplate.builder().uriTemplate(KNOWLEDGE + "{id}")
                        .name("knowledge-document").title("A Griddle knowledge document")
                        .description("A knowledge document's text, chunk by chunk (at most griddle.interop.max-document-chunks chunks)")
                        .mimeType("text/plain").build(), (context, request) -> readDocument(GriddleMcpHandler.caller(context), request.uri())));
    }

    /** The newest runs the key sees, as resources. */
    McpSchema.ListResourcesResult recentRuns(McpTransportContext context) {
        Caller caller = GriddleMcpHandler.caller(context);
        RunReader.RunFilter filter = new RunReader.RunFilter(null, null, null, null, null,
                caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new));
        List<McpSchema.Resource> listed = runs.list(caller.orgId(), filter, props.maxListedRuns(), 0).stream()
                .map(r -> McpSchema.Resource.builder().uri(RUNS + r.id()).name("run-" + r.id()).title("Run " + r.id() + " (" + r.status().wire() + ")")
                        .mimeType("application/json").build()).toList();
        return new McpSchema.ListResourcesResult(listed, null);
    }

    private McpSchema.ReadResourceResult readRun(Caller caller, String uri) {
        RunRow run = id(uri, RUNS).flatMap(id -> runs.find(caller.orgId(), id)).filter(r -> caller.sees(r.projectId()))
                .orElseThrow(() -> McpError.RESOURCE_NOT_FOUND.apply(uri));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id());
        view.put("runner_id", run.runnerId());
        view.put("version", run.runnerVersion());
        view.put("status", run.status().wire());
        view.put("input", run.input());
        view.put("output", run.output());
        view.put("error", run.error());
        view.put("trigger", Map.of("type", run.triggerType()));
        view.put("cost_usd", run.costUsd());
        view.put("created_at", run.createdAt());
        view.put("started_at", run.startedAt());
        view.put("finished_at", run.finishedAt());
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, "application/json", json.writeValueAsString(view))));
    }

    private McpSchema.ReadResourceResult readDocument(Caller caller, String uri) {
        KnowledgeReader.Text doc = id(uri, KNOWLEDGE).flatMap(id -> knowledge.read(caller, id, props.maxDocumentChunks()))
                .orElseThrow(() -> McpError.RESOURCE_NOT_FOUND.apply(uri));
        StringBuilder text = new StringBuilder(doc.title()).append("\n\n").append(String.join("\n\n", doc.chunks()));
        if (doc.truncated()) {
            text.append("\n\n[cut after ").append(doc.chunks().size()).append(" chunks]");
        }
        return new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri, "text/plain", text.toString())));
    }

    private static Optional<UUID> id(String uri, String prefix) {
        try {
            return uri.startsWith(prefix) ? Optional.of(UUID.fromString(uri.substring(prefix.length()))) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
