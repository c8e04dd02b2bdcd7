package dev.griddle.server.interop.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.griddle.server.Refusal;
import dev.griddle.server.agent.AgentListing;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.interop.InteropProperties;
import dev.griddle.server.interop.Links;
import dev.griddle.server.thread.AgentThreads;
import dev.griddle.server.thread.TurnListener;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.EventStreams;
import dev.griddle.server.web.Role;
import io.a2a.spec.CancelTaskResponse;
import io.a2a.spec.GetTaskResponse;
import io.a2a.spec.InvalidParamsError;
import io.a2a.spec.InvalidRequestError;
import io.a2a.spec.JSONParseError;
import io.a2a.spec.JSONRPCError;
import io.a2a.spec.JSONRPCErrorResponse;
import io.a2a.spec.Message;
import io.a2a.spec.MessageSendParams;
import io.a2a.spec.MethodNotFoundError;
import io.a2a.spec.SendMessageResponse;
import io.a2a.spec.Task;
import io.a2a.spec.TaskIdParams;
import io.a2a.spec.TaskNotCancelableError;
import io.a2a.spec.TaskNotFoundError;
import io.a2a.spec.TaskQueryParams;
import io.a2a.spec.TextPart;
import io.a2a.util.Utils;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Each agent as an A2A agent (protocol 0.3, JSON-RPC): its card at
 * {@code /a2a/{agent_id}/.well-known/agent-card.json}, and {@code message/send},
 * {@code message/stream}, {@code tasks/get}, {@code tasks/cancel} posted to {@code /a2a/{agent_id}}.
 * A task is a thread turn and a context a thread, both in the database, so any node answers. An
 * agent the key does not see is a 404 before anything is read or written; a viewer key reads the
 * card and tasks but may not send or cancel.
 */
@RestController
@Hidden
class A2aController {

    private final AgentListing agents;
    private final AgentThreads threads;
    private final EventStreams streams;
    private final InteropProperties props;

    A2aController(AgentListing agents, AgentThreads threads, EventStreams streams, InteropProperties props) {
        this.agents = agents;
        this.threads = threads;
        this.streams = streams;
        this.props = props;
    }

    @GetMapping(path = "/a2a/{agentId}/.well-known/agent-card.json", produces = MediaType.APPLICATION_JSON_VALUE)
    String card(Caller caller, @PathVariable UUID agentId, HttpServletRequest request) {
        return A2aJson.write(AgentCards.of(agent(caller, agentId), Links.of(request)));
    }

    /** A JSON-RPC call: a stream for {@code message/stream}; otherwise the answer is written here and null returned. */
    @PostMapping("/a2a/{agentId}")
    SseEmitter call(Caller caller, @PathVariable UUID agentId, @RequestBody String body, HttpServletResponse response) throws IOException {
        AgentListing.Listed agent = agent(caller, agentId);
        JsonNode rpc;
        try {
            rpc = Utils.OBJECT_MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return write(response, new JSONRPCErrorResponse(new JSONParseError("The body is not JSON: " + e.getOriginalMessage())));
        }
        Object id = rpcId(rpc.get("id"));
        String method = rpc.path("method").asText("");
        try {
            return switch (method) {
                case "message/send" -> write(response, new SendMessageResponse(id, send(caller, agent, params(rpc, MessageSendParams.class))));
                case "message/stream" -> stream(caller, agent, params(rpc, MessageSendParams.class), id);
                case "tasks/get" -> write(response, new GetTaskResponse(id, A2aTasks.of(task(caller, agent, params(rpc, TaskQueryParams.class).id()))));
                case "tasks/cancel" -> write(response, new CancelTaskResponse(id, cancel(caller, agent, params(rpc, TaskIdParams.class).id())));
                default -> write(response, new JSONRPCErrorResponse(id, new MethodNotFoundError()));
            };
        } catch (JSONRPCError e) {
            return write(response, new JSONRPCErrorResponse(id, e));
        }
    }

    private AgentListing.Listed agent(Caller caller, UUID agentId) {
        return agents.find(caller.orgId(), ProjectScope.of(caller.projectIds()), agentId).orElseThrow(() -> ApiException.notFound("agent", agentId));
    }

    private AgentThreads.Asked ask(Caller caller, AgentListing.Listed agent, MessageSendParams params, TurnListener listener) {
        if (caller.role() == Role.VIEWER) {
            throw new InvalidRequestError(null, "Role 'viewer' may only read the card and tasks: sending a message starts work and needs a "
                    + "contributor or admin key", null);
        }
        Message message = params.message();
        String text = message == null || message.getParts() == null ? "" : message.getParts().stream()
                .filter(p -> p instanceof TextPart).map(p -> ((TextPart) p).getText()).collect(Collectors.joining("\n"));
        if (text.isBlank()) {
            throw new InvalidParamsError("The message has no text part: this agent reads text");
        }
        if (text.length() > AgentThreads.MAX_CONTENT) {
            throw new InvalidParamsError("The message's text may have at most " + AgentThreads.MAX_CONTENT + " characters");
        }
        UUID thread = null;
        if (message.getContextId() != null) {
            thread = uuid(message.getContextId()).filter(t -> threads.agentOf(caller.orgId(), t).map(agent.id()::equals).orElse(false))
                    .orElseThrow(() -> new InvalidParamsError("No context '" + message.getContextId() + "' with this agent"));
        }
        try {
            return threads.ask(caller.orgId(), agent.id(), thread, "A2A: " + shorten(text), text, listener);
        } catch (Refusal e) {
            throw new InvalidRequestError(null, e.getMessage(), e instanceof ApiException api ? Map.of("code", api.code()) : null);
        }
    }

    /** Waits up to {@code griddle.interop.call-wait} for the answer unless the client asked not to block. */
    private Task send(Caller caller, AgentListing.Listed agent, MessageSendParams params) {
        CountDownLatch ended = new CountDownLatch(1);
        AgentThreads.Asked asked = ask(caller, agent, params, new TurnListener() {
            @Override
            public void ended() {
                ended.countDown();
            }
        });
        boolean blocking = params.configuration() == null || !Boolean.FALSE.equals(params.configuration().blocking());
        if (blocking) {
            try {
                ended.await(props.callWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return A2aTasks.of(threads.exchange(caller.orgId(), asked.questionId()).orElseThrow());
    }

    private SseEmitter stream(Caller caller, AgentListing.Listed agent, MessageSendParams params, Object id) {
        SseEmitter emitter = streams.open(caller, props.maxStream());
        A2aStream stream = new A2aStream(emitter, id);
        AgentThreads.Asked asked;
        try {
            asked = ask(caller, agent, params, stream);
        } catch (RuntimeException e) {
            streams.abandon(caller, emitter);
            throw e;
        }
        stream.begin(asked.questionId(), asked.threadId(), () -> threads.exchange(caller.orgId(), asked.questionId()).orElseThrow());
        return emitter;
    }

    /** The task, when it is a turn of this agent in the caller's organization. */
    private AgentThreads.Exchange task(Caller caller, AgentListing.Listed agent, String taskId) {
        return uuid(taskId).flatMap(id -> threads.exchange(caller.orgId(), id))
                .filter(e -> threads.agentOf(caller.orgId(), e.threadId()).map(agent.id()::equals).orElse(false))
                .orElseThrow(() -> new TaskNotFoundError(null, "No task '" + taskId + "' of this agent", null));
    }

    private Task cancel(Caller caller, AgentListing.Listed agent, String taskId) {
        if (caller.role() == Role.VIEWER) {
            throw new InvalidRequestError(null, "Role 'viewer' may not cancel tasks; it needs a contributor or admin key", null);
        }
        AgentThreads.Exchange task = task(caller, agent, taskId);
        if (A2aTasks.state(task.answerStatus()).isFinal() || !threads.stop(caller.orgId(), task.threadId())) {
            throw new TaskNotCancelableError("Task '" + taskId + "' is " + A2aTasks.state(task.answerStatus()).asString() + ": nothing to cancel");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        AgentThreads.Exchange now = task;
        while (!A2aTasks.state(now.answerStatus()).isFinal() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = threads.exchange(caller.orgId(), task.questionId()).orElseThrow();
        }
        return A2aTasks.of(now);
    }

    private static <T> T params(JsonNode rpc, Class<T> type) {
        JsonNode params = rpc.get("params");
        if (params == null || !params.isObject()) {
            throw new InvalidParamsError("'params' must be an object");
        }
        try {
            return Utils.OBJECT_MAPPER.treeToValue(params, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidParamsError("Invalid params: " + e.getMessage());
        }
    }

    private static Object rpcId(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        return id.isNumber() ? id.asLong() : id.asText();
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static String shorten(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }

    private static SseEmitter write(HttpServletResponse response, Object rpcResponse) throws IOException {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(A2aJson.write(rpcResponse));
        response.getWriter().flush();
        return null;
    }
}
