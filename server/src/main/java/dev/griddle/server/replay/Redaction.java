package dev.griddle.server.replay;

import dev.griddle.server.runner.RedactPath;
import dev.griddle.server.step.StepOutcome;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A runner version's {@code redact} paths, applied to what a recording keeps of a call: the document
 * {@code {request, response}}, copied first (the live response the step goes on with is never
 * changed). The fingerprint is taken before, over the unredacted request, so a replay's new request
 * still matches the redacted recording.
 */
record Redaction(List<RedactPath> paths) {

    static final Redaction NONE = new Redaction(List.of());

    Redaction {
        paths = List.copyOf(paths);
    }

    /** The runner version's {@code redact} list; the paths were checked when the definition was saved. */
    static Redaction of(List<String> paths) {
        return paths == null || paths.isEmpty() ? NONE : new Redaction(paths.stream().map(RedactPath::parse).toList());
    }

    StepOutcome.Call apply(StepOutcome.Call call) {
        if (paths.isEmpty()) {
            return call;
        }
        ObjectNode document = document(call.request(), call.response());
        return new StepOutcome.Call(call.seq(), call.kind(), call.fingerprint(), document.get("request"), document.get("response"), call.durationMs(),
                call.costUsd(), call.replayed());
    }

    /** A request alone, as a mismatch's details show it. */
    JsonNode request(JsonNode request) {
        return paths.isEmpty() ? request : document(request, null).get("request");
    }

    private ObjectNode document(JsonNode request, JsonNode response) {
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.set("request", request == null ? JsonNodeFactory.instance.nullNode() : request.deepCopy());
        document.set("response", response == null ? JsonNodeFactory.instance.nullNode() : response.deepCopy());
        paths.forEach(p -> p.apply(document));
        return document;
    }
}
