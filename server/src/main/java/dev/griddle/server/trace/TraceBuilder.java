package dev.griddle.server.trace;

import dev.griddle.server.engine.EventLog.Event;
import dev.griddle.server.engine.RunRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Turns a run's durable record into its span tree: a root span for the run; one span per step
 * attempt, from {@code step_started} to {@code step_completed}, {@code step_failed},
 * {@code step_retrying} or {@code step_cancelled}; {@code llm_call}, {@code tool_call} and
 * {@code retrieval} events as children of the step attempt they happened in, starting
 * {@code latency_ms} before the event; a tool call that searched knowledge has a {@code retrieval} child.
 * Skipped steps are zero-length spans with status {@code skipped}. Tokens and cost are summed up
 * the tree; the root takes the run row's totals when the engine recorded any. Pure: no I/O.
 */
final class TraceBuilder {

    private TraceBuilder() {
    }

    /** A span while it is being built. */
    private static final class Node {
        final String id;
        final Node parent;
        final String kind;
        final String name;
        String status;
        final Instant start;
        Instant end;
        final Map<String, Object> attributes = new LinkedHashMap<>();
        long inputTokens;
        long outputTokens;
        BigDecimal cost = BigDecimal.ZERO;

        Node(String id, Node parent, String kind, String name, String status, Instant start) {
            this.id = id;
            this.parent = parent;
            this.kind = kind;
            this.name = name;
            this.status = status;
            this.start = start;
        }
    }

    /**
     * @param stepTypes step id -> type, from the run's pinned runner version (unknown steps are {@code step})
     * @param stepStarts step id -> {@code step_runs.started_at}, for completions whose start event is missing
     */
    static List<Span> build(RunRow run, String runnerName, List<Event> events, Map<String, String> stepTypes, Map<String, Instant> stepStarts) {
        List<Node> nodes = new ArrayList<>();
        Node root = new Node(run.id().toString(), null, "run", runnerName == null ? "run" : runnerName, run.status().wire(), run.createdAt());
        root.end = run.finishedAt();
        root.attributes.put("runner_id", run.runnerId().toString());
        root.attributes.put("runner_version", run.runnerVersion());
        root.attributes.put("trigger_type", run.triggerType());
        if (run.error() != null && run.error().hasNonNull("message")) {
            root.attributes.put("error", run.error().get("message").asString());
        }
        nodes.add(root);
        Map<String, Node> open = new HashMap<>();
        Map<String, Node> last = new HashMap<>();
        for (Event e : events) {
            String stepId = e.stepId();
            JsonNode data = e.data();
            switch (e.type()) {
                case "step_started" -> {
                    Node step = stepNode(root, stepId, data.path("attempt").asInt(1), stepTypes, e.createdAt());
                    nodes.add(step);
                    open.put(stepId, step);
                    last.put(stepId, step);
                }
                case "step_completed" -> {
                    if (data.path("skipped").asBoolean(false)) {
                        Node skip = new Node(stepId + "#skipped", root, kind(stepTypes.get(stepId)), stepId, "skipped", e.createdAt());
                        skip.end = e.createdAt();
                        skip.attributes.put("step_type", stepTypes.getOrDefault(stepId, "unknown"));
                        skip.attributes.put("skip_reason", data.path("reason").asString(null));
                        nodes.add(skip);
                        last.put(stepId, skip);
                    } else {
                        Node step = close(nodes, open, last, root, stepId, data, stepTypes, stepStarts, e.createdAt(), "succeeded");
                        httpStatus(step, data.path("output"));
                    }
                }
                case "step_failed" -> {
                    Node step = close(nodes, open, last, root, stepId, data, stepTypes, stepStarts, e.createdAt(), "failed");
                    error(step, data.path("error"));
                }
                case "step_retrying" -> {
                    if (data.has("item_index")) {
                        Node step = open.get(stepId);
                        if (step != null) {
                            step.attributes.merge("item_retries", 1, (a, b) -> (Integer) a + (Integer) b);
                        }
                    } else {
                        Node step = close(nodes, open, last, root, stepId, data, stepTypes, stepStarts, e.createdAt(), "failed");
                        error(step, data.path("error"));
                        step.attributes.put("next_attempt", data.path("next_attempt").asInt());
                        step.attributes.put("retry_delay_ms", data.path("delay_ms").asLong());
                    }
                }
                case "step_cancelled" -> {
                    Node step = close(nodes, open, last, root, stepId, data, stepTypes, stepStarts, e.createdAt(), "cancelled");
                    step.attributes.put("cancel_reason", data.path("reason").asString(null));
                }
                case "llm_call" -> {
                    Node parent = parent(open, last, root, stepId);
                    String model = data.path("model").asString("unknown");
                    Node call = new Node("llm-" + e.seq(), parent, "llm", "chat " + model, callStatus(data), e.createdAt().minusMillis(data.path("latency_ms").asLong(0)));
                    call.end = e.createdAt();
                    call.attributes.put("model", model);
                    if (data.hasNonNull("provider")) {
                        call.attributes.put("provider", data.get("provider").asString());
                    }
                    call.attributes.put("latency_ms", data.path("latency_ms").asLong(0));
                    call.inputTokens = data.path("input_tokens").asLong(0);
                    call.outputTokens = data.path("output_tokens").asLong(0);
                    call.cost = data.path("cost_usd").isNumber() ? data.get("cost_usd").decimalValue() : BigDecimal.ZERO;
                    error(call, data.path("error"));
                    nodes.add(call);
                }
                case "tool_call" -> {
                    Node parent = parent(open, last, root, stepId);
                    String tool = data.path("tool").asString("unknown");
                    Node call = new Node("tool-" + e.seq(), parent, "tool", "execute_tool " + tool, callStatus(data),
                            e.createdAt().minusMillis(data.path("latency_ms").asLong(0)));
                    call.end = e.createdAt();
                    call.attributes.put("tool", tool);
                    call.attributes.put("latency_ms", data.path("latency_ms").asLong(0));
                    error(call, data.path("error"));
                    nodes.add(call);
                    if (data.hasNonNull("retrieval")) {
                        nodes.add(retrieval("retrieval-" + e.seq(), call, tool, call.start, e.createdAt(), data.get("retrieval"), call.attributes.get("latency_ms")));
                    }
                }
                case "retrieval" -> {
                    Node parent = parent(open, last, root, stepId);
                    long latency = data.path("latency_ms").asLong(0);
                    nodes.add(retrieval("retrieval-" + e.seq(), parent, "retrieve", e.createdAt().minusMillis(latency), e.createdAt(), data, latency));
                }
                default -> {
                    // run_started, state_changed, approvals and logs are visible in the event feed; they open no span
                }
            }
        }
        for (Node step : open.values()) {
            if (run.finishedAt() != null) {
                step.end = run.finishedAt();
                step.status = "cancelled";
            }
        }
        return rollUp(nodes, run);
    }

    /** A {@code retrieval} span: a retrieve step's search, or a knowledge_search call's (its child, with its timing). */
    private static Node retrieval(String id, Node parent, String name, Instant start, Instant end, JsonNode retrieval, Object latencyMs) {
        Node node = new Node(id, parent, RetrievalSpans.KIND, name, "succeeded", start);
        node.end = end;
        RetrievalSpans.attributes(node.attributes, retrieval);
        node.attributes.put("latency_ms", latencyMs);
        return node;
    }

    private static Node stepNode(Node root, String stepId, int attempt, Map<String, String> stepTypes, Instant start) {
        String type = stepTypes.getOrDefault(stepId, "unknown");
        Node step = new Node(stepId + "#" + attempt, root, kind(type), stepId, "running", start);
        step.attributes.put("step_type", type);
        step.attributes.put("attempt", attempt);
        return step;
    }

    private static Node close(List<Node> nodes, Map<String, Node> open, Map<String, Node> last, Node root, String stepId, JsonNode data,
            Map<String, String> stepTypes, Map<String, Instant> stepStarts, Instant at, String status) {
        Node step = open.remove(stepId);
        if (step == null) {
            // ended without a start of its own: a for_each step, or a step cancelled before it ran
            Instant start = stepStarts.get(stepId);
            step = stepNode(root, stepId, data.path("attempt").asInt(1), stepTypes, start == null || start.isAfter(at) ? at : start);
            nodes.add(step);
        }
        step.status = status;
        step.end = at;
        last.put(stepId, step);
        return step;
    }

    private static Node parent(Map<String, Node> open, Map<String, Node> last, Node root, String stepId) {
        if (stepId == null) {
            return root;
        }
        Node step = open.get(stepId);
        if (step == null) {
            step = last.get(stepId);
        }
        return step == null ? root : step;
    }

    static String kind(String stepType) {
        return "http".equals(stepType) ? "http" : "step";
    }

    /**
     * A call failed when its event carries an {@code error}, or a textual status other than ok.
     * A numeric {@code status} is a tool's HTTP status (0 for tools that are not HTTP), part of
     * its result rather than a verdict on the call.
     */
    private static String callStatus(JsonNode data) {
        if (data.hasNonNull("error")) {
            return "failed";
        }
        JsonNode status = data.path("status");
        if (status.isString() && !(status.asString().equals("ok") || status.asString().equals("succeeded") || status.asString().equals("success"))) {
            return "failed";
        }
        return "succeeded";
    }

    private static void httpStatus(Node step, JsonNode output) {
        if (step.kind.equals("http") && output.path("status").isInt()) {
            step.attributes.put("http_status", output.get("status").asInt());
        }
    }

    private static void error(Node node, JsonNode error) {
        if (error.isMissingNode() || error.isNull()) {
            return;
        }
        node.attributes.put("error", error.isString() ? error.asString() : error.path("message").asString(error.toString()));
        httpStatus(node, error.path("details"));
    }

    /** Sums tokens and cost from the leaves up, in reverse creation order (children are created after their parents). */
    private static List<Span> rollUp(List<Node> nodes, RunRow run) {
        for (int i = nodes.size() - 1; i > 0; i--) {
            Node n = nodes.get(i);
            n.parent.inputTokens += n.inputTokens;
            n.parent.outputTokens += n.outputTokens;
            n.parent.cost = n.parent.cost.add(n.cost);
        }
        Node root = nodes.getFirst();
        boolean engineTotals = run.inputTokens() > 0 || run.outputTokens() > 0 || (run.costUsd() != null && run.costUsd().signum() > 0);
        if (engineTotals) {
            root.inputTokens = run.inputTokens();
            root.outputTokens = run.outputTokens();
            root.cost = run.costUsd();
        }
        List<Span> spans = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            n.attributes.put("input_tokens", n.inputTokens);
            n.attributes.put("output_tokens", n.outputTokens);
            n.attributes.put("cost_usd", n.cost.stripTrailingZeros().scale() < 0 ? n.cost.setScale(0) : n.cost.stripTrailingZeros());
            Long duration = n.end == null ? null : Math.max(0, n.end.toEpochMilli() - n.start.toEpochMilli());
            spans.add(new Span(n.id, n.parent == null ? null : n.parent.id, n.kind, n.name, n.status, n.start, duration, n.attributes));
        }
        return spans;
    }
}
