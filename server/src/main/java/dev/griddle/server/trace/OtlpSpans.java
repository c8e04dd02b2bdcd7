package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Span trees as an OTLP/HTTP JSON {@code ExportTraceServiceRequest}. Trace id = the run id's (or
 * the chat-thread answer's message id's) 16 bytes; span ids are derived from (trace, span) so a
 * re-export yields the same ids. Model calls follow the OpenTelemetry GenAI conventions
 * ({@code chat <model>}, {@code gen_ai.*}); tool calls are {@code execute_tool <tool>}; a turn's
 * root is {@code invoke_agent <agent>} with {@code gen_ai.conversation.id} = the thread id; http
 * steps are client spans with {@code http.response.status_code}.
 */
final class OtlpSpans {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OtlpSpans() {
    }

    /** One trace to export: a run's ({@code turn} false) or a chat-thread answer's. */
    record Exported(UUID id, UUID orgId, boolean turn, List<Span> spans) {
        static Exported of(RunRow run, List<Span> spans) {
            return new Exported(run.id(), run.orgId(), false, spans);
        }
    }

    static ObjectNode request(List<Exported> traces) {
        ObjectNode root = F.objectNode();
        ObjectNode resource = root.putArray("resourceSpans").addObject();
        ArrayNode resourceAttributes = resource.putObject("resource").putArray("attributes");
        attribute(resourceAttributes, "service.name", "griddle");
        ObjectNode scope = resource.putArray("scopeSpans").addObject();
        scope.putObject("scope").put("name", "dev.griddle.trace");
        ArrayNode spans = scope.putArray("spans");
        traces.forEach(trace -> trace.spans().forEach(span -> spans.add(span(trace, span))));
        return root;
    }

    static String traceId(UUID trace) {
        return trace.toString().replace("-", "");
    }

    static String spanId(UUID trace, String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((trace + "/" + id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode span(Exported trace, Span span) {
        ObjectNode o = F.objectNode();
        o.put("traceId", traceId(trace.id()));
        o.put("spanId", spanId(trace.id(), span.id()));
        if (span.parentId() != null) {
            o.put("parentSpanId", spanId(trace.id(), span.parentId()));
        }
        o.put("name", span.name());
        o.put("kind", span.kind().equals("llm") || span.kind().equals("http") ? 3 : 1); // CLIENT : INTERNAL
        long start = span.startedAt().getEpochSecond() * 1_000_000_000L + span.startedAt().getNano();
        long end = start + (span.durationMs() == null ? 0 : span.durationMs()) * 1_000_000L;
        o.put("startTimeUnixNano", Long.toString(start));
        o.put("endTimeUnixNano", Long.toString(end));
        ArrayNode a = o.putArray("attributes");
        attribute(a, "griddle.span.kind", span.kind());
        attribute(a, "griddle.status", span.status());
        attribute(a, trace.turn() ? "griddle.message.id" : "griddle.run.id", trace.id().toString());
        attribute(a, "griddle.org.id", trace.orgId().toString());
        Map<String, Object> attrs = span.attributes();
        switch (span.kind()) {
            case "run" -> {
                if (trace.turn()) {
                    attribute(a, "gen_ai.operation.name", "invoke_agent");
                    attribute(a, "gen_ai.agent.id", attrs.get("agent_id"));
                    attribute(a, "gen_ai.agent.name", attrs.get("agent_name"));
                    attribute(a, "gen_ai.conversation.id", attrs.get("thread_id"));
                    attribute(a, "gen_ai.request.model", attrs.get("model"));
                    attribute(a, "griddle.thread.id", attrs.get("thread_id"));
                } else {
                    attribute(a, "griddle.runner.id", attrs.get("runner_id"));
                    attribute(a, "griddle.runner.version", attrs.get("runner_version"));
                }
            }
            case "step", "http" -> {
                attribute(a, "griddle.step.id", span.name());
                attribute(a, "griddle.step.type", attrs.get("step_type"));
                attribute(a, "griddle.step.attempt", attrs.get("attempt"));
                attribute(a, "http.response.status_code", attrs.get("http_status"));
            }
            case "llm" -> {
                attribute(a, "gen_ai.operation.name", "chat");
                attribute(a, "gen_ai.system", attrs.getOrDefault("provider", "unknown"));
                attribute(a, "gen_ai.provider.name", attrs.getOrDefault("provider", "unknown"));
                attribute(a, "gen_ai.request.model", attrs.get("model"));
                attribute(a, "gen_ai.usage.input_tokens", span.inputTokens());
                attribute(a, "gen_ai.usage.output_tokens", span.outputTokens());
            }
            case "tool" -> {
                attribute(a, "gen_ai.operation.name", "execute_tool");
                attribute(a, "gen_ai.tool.name", attrs.get("tool"));
            }
            case "retrieval" -> {
                attribute(a, "griddle.retrieval.query", attrs.get("query"));
                attribute(a, "griddle.retrieval.hit_count", attrs.get("hit_count"));
                attribute(a, "griddle.retrieval.hits", attrs.get("hits"));
            }
            default -> {
                // no extra attributes
            }
        }
        if (!span.kind().equals("llm") && (span.inputTokens() > 0 || span.outputTokens() > 0)) {
            attribute(a, "gen_ai.usage.input_tokens", span.inputTokens());
            attribute(a, "gen_ai.usage.output_tokens", span.outputTokens());
        }
        if (span.costUsd().signum() > 0) {
            attribute(a, "griddle.cost_usd", span.costUsd().doubleValue());
        }
        ObjectNode status = o.putObject("status");
        if (attrs.get("error") != null) {
            attribute(a, "error.type", span.kind().equals("http") && attrs.get("http_status") != null ? attrs.get("http_status").toString() : "_OTHER");
            status.put("code", 2).put("message", attrs.get("error").toString());
        } else if (span.status().equals("failed")) {
            status.put("code", 2);
        } else if (span.status().equals("succeeded")) {
            status.put("code", 1);
        }
        return o;
    }

    private static void attribute(ArrayNode attributes, String key, Object value) {
        if (value == null) {
            return;
        }
        ObjectNode v = attributes.addObject().put("key", key).putObject("value");
        switch (value) {
            case Integer i -> v.put("intValue", Integer.toString(i));
            case Long l -> v.put("intValue", Long.toString(l));
            case Double d -> v.put("doubleValue", d);
            case Boolean b -> v.put("boolValue", b);
            default -> v.put("stringValue", value.toString());
        }
    }
}
