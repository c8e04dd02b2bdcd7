package dev.griddle.server.trace;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a chat-thread answer into its span tree: a root span of kind {@code run} named
 * {@code invoke_agent <agent>} from the answer's creation to its end; one {@code llm} span per model
 * call ({@code llm-1}, {@code llm-2}, ... named {@code chat <model>}); one {@code tool} span per tool
 * call ({@code tool-1}, ... named {@code execute_tool <tool>}) under the model call that asked for it,
 * and under a {@code knowledge_search} call its {@code retrieval} span ({@code retrieval-1} for {@code tool-1}).
 * A model call's span carries its own tokens and cost (a tool reports none); the root carries the
 * answer's stored totals, which are the sum over its model calls. Pure: no I/O.
 */
final class TurnTraceBuilder {

    private TurnTraceBuilder() {
    }

    /** A turn's status in the words of a run's: the {@code status} of its trace and of its root span. */
    static String traceStatus(String answerStatus) {
        return switch (answerStatus) {
            case "streaming" -> "running";
            case "completed" -> "succeeded";
            case "stopped" -> "cancelled";
            case "failed", "interrupted" -> "failed";
            default -> answerStatus;
        };
    }

    /** The answer statuses a trace {@code status} filter matches; empty for statuses only runs have (queued, waiting, ...). */
    static List<String> answerStatuses(String traceStatus) {
        return switch (traceStatus) {
            case "running" -> List.of("streaming");
            case "succeeded" -> List.of("completed");
            case "cancelled" -> List.of("stopped");
            case "failed" -> List.of("failed", "interrupted");
            default -> List.of();
        };
    }

    static List<Span> build(TurnTraces.Turn turn) {
        List<Span> spans = new ArrayList<>();
        Map<String, Object> rootAttributes = new LinkedHashMap<>();
        rootAttributes.put("thread_id", turn.threadId().toString());
        rootAttributes.put("agent_id", turn.agentId().toString());
        rootAttributes.put("agent_name", turn.agentName());
        rootAttributes.put("answer_status", turn.status());
        rootAttributes.put("model", turn.model());
        rootAttributes.put("model_calls", turn.modelCalls());
        if (turn.errorMessage() != null) {
            rootAttributes.put("error", turn.errorMessage());
            rootAttributes.put("error_code", turn.errorCode());
        }
        Long rootDuration = turn.finishedAt() == null ? null : Math.max(0, turn.finishedAt().toEpochMilli() - turn.createdAt().toEpochMilli());
        String rootId = turn.id().toString();
        List<String> ids = new ArrayList<>();
        long in = 0;
        long out = 0;
        BigDecimal cost = BigDecimal.ZERO;
        int models = 0;
        int tools = 0;
        List<Span> children = new ArrayList<>();
        for (TurnTraces.Call call : turn.calls()) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            String id;
            String parent = rootId;
            String name;
            if ("tool".equals(call.kind())) {
                id = "tool-" + ++tools;
                name = "execute_tool " + call.name();
                attributes.put("tool", call.name());
                if (call.parent() != null && call.parent() >= 0 && call.parent() < ids.size() && ids.get(call.parent()).startsWith("llm-")) {
                    parent = ids.get(call.parent());
                }
            } else {
                id = "llm-" + ++models;
                name = "chat " + call.name();
                attributes.put("model", call.name());
                int slash = call.name().indexOf('/');
                if (slash > 0) {
                    attributes.put("provider", call.name().substring(0, slash));
                }
                if (call.firstTokenMs() != null) {
                    attributes.put("first_token_ms", call.firstTokenMs());
                }
                if (call.planReminder()) {
                    attributes.put("plan_reminder", true);
                }
            }
            ids.add(id);
            attributes.put("latency_ms", call.durationMs());
            if (call.error() != null) {
                attributes.put("error", call.error());
            }
            BigDecimal callCost = call.costUsd() == null ? BigDecimal.ZERO : call.costUsd();
            attributes.put("input_tokens", call.inputTokens());
            attributes.put("output_tokens", call.outputTokens());
            attributes.put("cost_usd", money(callCost));
            in += call.inputTokens();
            out += call.outputTokens();
            cost = cost.add(callCost);
            children.add(new Span(id, parent, "tool".equals(call.kind()) ? "tool" : "llm", name, call.status(), call.startedAt(), call.durationMs(),
                    attributes));
            if (call.retrieval() != null) {
                children.add(retrieval(id, call));
            }
        }
        boolean stored = turn.inputTokens() > 0 || turn.outputTokens() > 0 || (turn.costUsd() != null && turn.costUsd().signum() > 0);
        rootAttributes.put("input_tokens", stored ? turn.inputTokens() : in);
        rootAttributes.put("output_tokens", stored ? turn.outputTokens() : out);
        rootAttributes.put("cost_usd", money(stored ? turn.costUsd() : cost));
        spans.add(new Span(rootId, null, "run", "invoke_agent " + turn.agentName(), traceStatus(turn.status()), turn.createdAt(), rootDuration,
                rootAttributes));
        spans.addAll(children);
        return spans;
    }

    /** The {@code retrieval} span under a tool call that searched knowledge, with the call's timing. */
    private static Span retrieval(String toolSpanId, TurnTraces.Call call) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        RetrievalSpans.attributes(attributes, call.retrieval());
        attributes.put("latency_ms", call.durationMs());
        attributes.put("input_tokens", 0L);
        attributes.put("output_tokens", 0L);
        attributes.put("cost_usd", BigDecimal.ZERO);
        return new Span("retrieval-" + toolSpanId.substring("tool-".length()), toolSpanId, RetrievalSpans.KIND, call.name(), call.status(),
                call.startedAt(), call.durationMs(), attributes);
    }

    static BigDecimal money(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
