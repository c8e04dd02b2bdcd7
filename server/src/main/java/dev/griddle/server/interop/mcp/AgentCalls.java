package dev.griddle.server.interop.mcp;

import dev.griddle.server.Refusal;
import dev.griddle.server.interop.InteropProperties;
import dev.griddle.server.interop.Links;
import dev.griddle.server.thread.AgentThreads;
import dev.griddle.server.thread.TurnListener;
import dev.griddle.server.web.Caller;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@code ask_<agent>} tool called: one thread turn, in a new thread or in {@code thread_id}
 * (one of the same agent's), waited for up to {@code griddle.interop.call-wait}. The answer comes
 * back with its thread id; an answer still being written comes back as where to read it.
 * Cancelling the call stops the turn.
 */
@Component
class AgentCalls {

    private final AgentThreads threads;
    private final McpCancellations cancellations;
    private final InteropProperties props;
    private final JsonMapper json;

    AgentCalls(AgentThreads threads, McpCancellations cancellations, InteropProperties props, JsonMapper json) {
        this.threads = threads;
        this.cancellations = cancellations;
        this.props = props;
        this.json = json;
    }

    McpSchema.CallToolResult ask(Caller caller, Links links, UUID agentId, String agentName, Map<String, Object> arguments, Object requestId) {
        Object message = arguments == null ? null : arguments.get("message");
        if (!(message instanceof String text) || text.isBlank()) {
            return ToolResults.refused(json, "VALIDATION_FAILED", "'message' is required: a non-empty string");
        }
        if (text.length() > AgentThreads.MAX_CONTENT) {
            return ToolResults.refused(json, "VALIDATION_FAILED", "'message' may have at most " + AgentThreads.MAX_CONTENT + " characters");
        }
        Optional<UUID> given;
        try {
            given = arguments.get("thread_id") == null ? Optional.empty() : Optional.of(UUID.fromString(String.valueOf(arguments.get("thread_id"))));
        } catch (IllegalArgumentException e) {
            return ToolResults.refused(json, "VALIDATION_FAILED", "'thread_id' must be a UUID");
        }
        if (given.isPresent() && !threads.agentOf(caller.orgId(), given.get()).map(agentId::equals).orElse(false)) {
            return ToolResults.refused(json, "NOT_FOUND", "No thread '" + given.get() + "' of agent '" + agentName + "'");
        }
        CountDownLatch ended = new CountDownLatch(1);
        TurnListener listener = new TurnListener() {
            @Override
            public void ended() {
                ended.countDown();
            }
        };
        String handle = McpCancellations.handle(caller.keyId(), requestId);
        AgentThreads.Asked asked;
        try {
            asked = threads.ask(caller.orgId(), agentId, given.orElse(null), title(text), text, listener);
        } catch (Refusal e) {
            return ToolResults.refused(json, e);
        }
        UUID thread = asked.threadId();
        cancellations.register(handle, () -> threads.stop(caller.orgId(), thread));
        try {
            ended.await(props.callWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cancellations.done(handle);
        }
        AgentThreads.Exchange exchange = threads.exchange(caller.orgId(), asked.questionId()).orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("thread_id", thread.toString());
        String status = exchange.answerStatus() == null ? "streaming" : exchange.answerStatus();
        out.put("status", status);
        if ("streaming".equals(status)) {
            out.put("messages_url", links.threadMessages(thread));
            out.put("message", "The agent is still answering after " + props.callWait().toSeconds() + " s; read the answer at messages_url");
            return ToolResults.of(json, out, false);
        }
        out.put("answer", exchange.answer());
        if (!"completed".equals(status)) {
            return ToolResults.of(json, out, true);
        }
        return McpSchema.CallToolResult.builder().structuredContent(out).addTextContent(exchange.answer()).isError(false).build();
    }

    private static String title(String message) {
        String line = message.strip().lines().findFirst().orElse("");
        return "MCP: " + (line.length() > 80 ? line.substring(0, 77) + "..." : line);
    }
}
