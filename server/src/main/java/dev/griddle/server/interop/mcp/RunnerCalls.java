package dev.griddle.server.interop.mcp;

import dev.griddle.server.Refusal;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.Approval;
import dev.griddle.server.engine.ApprovalStore;
import dev.griddle.server.engine.CancelMode;
import dev.griddle.server.engine.EngineQueries;
import dev.griddle.server.engine.RunCommands;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.RunStatus;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.interop.InteropProperties;
import dev.griddle.server.interop.Links;
import dev.griddle.server.web.Caller;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A runner's tool called: starts a run with the arguments as input (as {@code POST
 * /api/v1/runners/{id}/runs} would, so input is checked against {@code input_schema}), then waits
 * up to {@code griddle.interop.call-wait} for it. A finished run answers with its output (or its
 * error); a run waiting for an approval, or still going, answers with its id, status and the URLs
 * to follow or approve it. Cancelling the call cancels the run. While it waits, each change in the
 * number of finished steps is reported to the call's {@link Progress} (MCP progress notifications,
 * when the client asked for them).
 */
@Component
class RunnerCalls {

    private static final Logger log = LoggerFactory.getLogger(RunnerCalls.class);
    private static final long POLL_MILLIS = 200;

    private final RunStarter starter;
    private final RunReader runs;
    private final RunCommands commands;
    private final EngineQueries queries;
    private final ApprovalStore approvals;
    private final McpCancellations cancellations;
    private final InteropProperties props;
    private final JsonMapper json;

    RunnerCalls(RunStarter starter, RunReader runs, RunCommands commands, EngineQueries queries, ApprovalStore approvals,
            McpCancellations cancellations, InteropProperties props, JsonMapper json) {
        this.starter = starter;
        this.runs = runs;
        this.commands = commands;
        this.queries = queries;
        this.approvals = approvals;
        this.cancellations = cancellations;
        this.props = props;
        this.json = json;
    }

    McpSchema.CallToolResult call(Caller caller, Links links, UUID runnerId, Map<String, Object> arguments, Object requestId, Progress progress) {
        RunRow run;
        try {
            run = starter.start(caller.orgId(), runnerId, new RunStarter.StartRequest(json.valueToTree(arguments == null ? Map.of() : arguments), null,
                    null), Trigger.api(), ProjectScope.of(caller.projectIds()));
        } catch (Refusal e) {
            return ToolResults.refused(json, e);
        }
        UUID runId = run.id();
        String handle = McpCancellations.handle(caller.keyId(), requestId);
        cancellations.register(handle, () -> cancel(caller.orgId(), runId));
        try {
            long deadline = System.nanoTime() + props.callWait().toNanos();
            int reported = -1;
            while (true) {
                if (progress != Progress.NONE) {
                    EngineQueries.Progress steps = queries.progress(runId);
                    if (steps.done() != reported) {
                        reported = steps.done();
                        progress.report(steps.done(), (double) steps.total(), steps.done() + " of " + steps.total() + " steps finished; run " + runId
                                + " is " + run.status().wire());
                    }
                }
                if (run.status().terminal()) {
                    return finished(run, links);
                }
                List<Approval> pending = run.status() == RunStatus.WAITING
                        ? approvals.list(caller.orgId(), ProjectScope.ALL, "pending", runId, 10, 0) : List.of();
                if (!pending.isEmpty() || System.nanoTime() >= deadline) {
                    return following(run, pending, links);
                }
                Thread.sleep(POLL_MILLIS);
                run = runs.find(caller.orgId(), runId).orElseThrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return following(run, List.of(), links);
        } finally {
            cancellations.done(handle);
        }
    }

    private void cancel(UUID orgId, UUID runId) {
        try {
            commands.cancel(orgId, runId, CancelMode.IMMEDIATE);
        } catch (Refusal e) {
            log.info("MCP cancellation of run {} not applied: {}", runId, e.getMessage());
        }
    }

    /** Output as structured content (an object as it is; anything else under {@code output}), or the run's error. */
    @SuppressWarnings("unchecked")
    private McpSchema.CallToolResult finished(RunRow run, Links links) {
        if (run.status() == RunStatus.SUCCEEDED) {
            JsonNode output = run.output();
            Map<String, Object> structured = output != null && output.isObject() ? json.convertValue(output, Map.class)
                    : Map.of("output", output == null ? Map.of() : json.convertValue(output, Object.class));
            return McpSchema.CallToolResult.builder().structuredContent(structured).addTextContent(json.writeValueAsString(output))
                    .isError(false).meta(Map.of("run_id", run.id().toString(), "run_url", links.run(run.id()))).build();
        }
        Map<String, Object> out = base(run, links);
        if (run.error() != null && !run.error().isNull()) {
            out.put("error", json.convertValue(run.error(), Object.class));
        }
        return ToolResults.of(json, out, true);
    }

    private McpSchema.CallToolResult following(RunRow run, List<Approval> pending, Links links) {
        Map<String, Object> out = base(run, links);
        out.put("events_url", links.runEvents(run.id()));
        if (pending.isEmpty()) {
            out.put("message", "The run is still " + run.status().wire() + " after " + props.callWait().toSeconds()
                    + " s; follow it at run_url or events_url, or read resource " + resource(run.id()));
        } else {
            out.put("waiting_for", "approval");
            out.put("approvals", pending.stream().map(a -> {
                Map<String, Object> approval = new LinkedHashMap<>();
                approval.put("id", a.id().toString());
                approval.put("step_id", a.stepId());
                approval.put("message", a.message());
                approval.put("approve_url", links.approve(a.id()));
                return approval;
            }).toList());
            out.put("message", "The run waits for an approval: POST {\"approved\": true} (or false) to approve_url with a contributor key, "
                    + "then follow it at run_url");
        }
        return ToolResults.of(json, out, false);
    }

    private static Map<String, Object> base(RunRow run, Links links) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", run.id().toString());
        out.put("status", run.status().wire());
        out.put("run_url", links.run(run.id()));
        out.put("resource", resource(run.id()));
        return out;
    }

    static String resource(UUID runId) {
        return "griddle://runs/" + runId;
    }
}
