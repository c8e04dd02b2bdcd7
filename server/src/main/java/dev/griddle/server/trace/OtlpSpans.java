package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Span trees as an OTLP/HTTP JSON {@code ExportTraceServiceRequest}. Trace id = the run id's 16
 * bytes; span ids are derived from (run, span) so a re-export yields the same ids. Model calls
 * follow the OpenTelemetry GenAI conventions ({@code chat <model>}, {@code gen_ai.*}); tool calls
 * are {@code execute_tool <tool>}; http steps are client spans with {@code http.response.status_code}.
 */
final class OtlpSpans {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OtlpSpans() {
    }

    static ObjectNode request(Map<RunRow, List<Span>> traces) {
        ObjectNode root = F.objectNode();
        ObjectNode resource = root.putArray("resourceSpans").addObject();
        ArrayNode resourceAttributes = resource.putObject("resource").putArray("attributes");
        attribute(resourceAttributes, "service.name", "griddle");
        ObjectNode scope = resource.putArray("scopeSpans").addObject();
        scope.putObject("scope").put("name", "dev.griddle.trace");
        ArrayNode spans = scope.putArray("spans");
        traces.forEach((run, tree) -> tree.forEach(span -> spans.add(span(run, span))));
        return root;
    }

    static String traceId(RunRow run) {
        return run.id().toString().replace("-", "");
    }

    static String spanId(RunRow run, String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((run.id() + "/" + id).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode span(RunRow run, Span span) {
        ObjectNode o = F.objectNode();
        o.put("traceId", traceId(run));
        o.put("spanId", spanId(run, span.id()));
        if (span.parentId() != null) {
            o.put("parentSpanId", spanId(run, span.parentId()));
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
        attribute(a, "griddle.run.id", run.id().toString());
        attribute(a, "griddle.org.id", run.orgId().toString());
        Map<String, Object> attrs = span.attributes();
        switch (span.kind()) {
            case "run" -> {
                attribute(a, "griddle.runner.id", run.runnerId().toString());
                attribute(a, "griddle.runner.version", run.runnerVersion());
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
