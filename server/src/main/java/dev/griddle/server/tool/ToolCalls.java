package dev.griddle.server.tool;

import dev.griddle.server.replay.CallTape;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Calls a tool the way both the {@code llm} loop and the {@code tool} step do: arguments checked
 * against the tool's schema first, timed, and described as a {@code tool_call} event (with the
 * {@code retrieval} a searching tool reports, for its trace).
 */
@Component
public class ToolCalls {

    /** One call: {@code result} (null when it failed), {@code error} (null when it worked), the event data. */
    public record Call(JsonNode result, String error, boolean retryable, ObjectNode event) {
        public boolean ok() {
            return error == null;
        }
    }

    private final JsonSchemas schemas;
    private final JsonMapper json;

    ToolCalls(JsonSchemas schemas, JsonMapper json) {
        this.schemas = schemas;
        this.json = json;
    }

    /**
     * The tool's call, through the step attempt's tape when the tool is external (issue #18): the
     * request is the tool and its arguments; a failure is recorded as {@code {error, retryable}} and
     * replayed as the same failure.
     */
    private JsonNode recorded(Tool tool, JsonNode args, ToolContext context) throws ToolException, InterruptedException {
        CallTape tape = CallTape.current();
        if (tape == null || tool.recordedKind() == null) {
            return tool.call(args, context);
        }
        ObjectNode request = json.createObjectNode().put("tool", tool.name());
        request.set("arguments", args);
        JsonNode answer = tape.exchange(tool.recordedKind(), request, () -> {
            try {
                ObjectNode ok = json.createObjectNode();
                ok.set("result", tool.call(args, context));
                return ok;
            } catch (ToolException e) {
                return json.createObjectNode().put("error", e.getMessage()).put("retryable", e.retryable());
            }
        });
        if (answer.has("error")) {
            throw new ToolException(answer.path("error").asString(), answer.path("retryable").asBoolean());
        }
        return answer.get("result");
    }

    public Call call(Tool tool, JsonNode arguments, ToolContext context) throws InterruptedException {
        long t0 = System.nanoTime();
        JsonNode args = arguments == null || arguments.isNull() ? json.createObjectNode() : arguments;
        ObjectNode event = json.createObjectNode().put("tool", tool.name());
        event.set("arguments", args);
        List<String> problems = schemas.validate(tool.parameters(), args);
        if (!problems.isEmpty()) {
            String error = "arguments do not match the parameters of tool '" + tool.name() + "': " + String.join("; ", problems);
            event.put("error", error).put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
            return new Call(null, error, false, event);
        }
        try {
            JsonNode result = recorded(tool, args, context);
            event.put("status", result.path("status").isNumber() ? result.path("status").asInt() : 0);
            event.put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
            ObjectNode retrieval = tool.retrieval(args, result);
            if (retrieval != null) {
                event.set("retrieval", retrieval);
            }
            return new Call(result, null, false, event);
        } catch (ToolException e) {
            event.put("error", e.getMessage()).put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
            return new Call(null, e.getMessage(), e.retryable(), event);
        }
    }
}
