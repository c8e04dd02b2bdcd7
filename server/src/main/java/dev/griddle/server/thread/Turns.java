package dev.griddle.server.thread;

import dev.griddle.server.llm.Agents;
import dev.griddle.server.llm.Builtins;
import dev.griddle.server.llm.StreamingChats;
import dev.griddle.server.memory.AgentMemory;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.web.ApiException;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plays one turn of a thread: the user's message stored, the agent's answer streamed from the
 * model token by token, the agent's tools called in a loop bounded by {@code griddle.llm.max-tool-calls},
 * the answer stored with its usage. One turn at a time per thread, on whichever node: see
 * {@link RunningTurns}.
 */
@Component
class Turns {

    private static final Logger log = LoggerFactory.getLogger(Turns.class);
    private static final int HISTORY_ROWS = 500;

    record Prepared(ChatThread thread, Agents.Profile agent, StreamingChats.Target target) {
    }

    private final ThreadStore store;
    private final StreamingChats models;
    private final ObjectProvider<Agents> agents;
    private final TurnTools turnTools;
    private final AgentMemory memory;
    private final JsonMapper json;
    private final Clock clock;
    private final RunningTurns running;
    private final TurnStore turnStore;

    Turns(ThreadStore store, StreamingChats models, ObjectProvider<Agents> agents, TurnTools turnTools, AgentMemory memory,
            JsonMapper json, Clock clock, RunningTurns running, TurnStore turnStore) {
        this.memory = memory;
        this.running = running;
        this.turnStore = turnStore;
        this.store = store;
        this.models = models;
        this.agents = agents;
        this.turnTools = turnTools;
        this.json = json;
        this.clock = clock;
    }

    /** Works out the agent and its model before anything is stored, so that a bad setup is a plain error, not a stream. */
    Prepared prepare(ChatThread thread) {
        Agents.Profile agent = Optional.ofNullable(agents.getIfAvailable()).flatMap(a -> a.find(thread.orgId(), thread.agentId()))
                .orElseThrow(() -> ApiException.notFound("agent", thread.agentId()));
        if (agent.model() == null || agent.model().isBlank()) {
            throw ApiException.validation("The agent '" + agent.name() + "' has no model; set one with PATCH /api/v1/agents/" + agent.id());
        }
        try {
            return new Prepared(thread, agent, models.forModel(agent.model(), agent.credentials()));
        } catch (StreamingChats.UnavailableException e) {
            throw ApiException.validation("The agent's model cannot be used: " + e.getMessage());
        }
    }

    /**
     * Starts the turn on its own virtual thread; the answer streams to {@code client} (may be null)
     * and {@code listener}. A turn running on any node is a 409. Returns the id of the user's
     * message, stored before this returns.
     */
    UUID start(Prepared p, String content, SseEmitter client, TurnListener listener) {
        UUID threadId = p.thread().id();
        List<ThreadMessage> history = store.history(threadId, HISTORY_ROWS);
        Turn turn = running.begin(p.thread(), content, client, listener);
        Thread.ofVirtual().name("turn-" + threadId).start(() -> {
            Last last = null;
            try {
                last = play(p, history, content, turn);
            } finally {
                // released before the last event goes out: a client that sends its next message as soon as it reads
                // the answer (or the failure) finds the thread free, not a 409
                try {
                    running.end(turn);
                } finally {
                    if (last != null) {
                        turn.emit(last.event(), last.data());
                    }
                    turn.close();
                }
            }
        });
        return turn.questionId();
    }

    /** Stops the thread's turn, on whichever node plays it; whether one was running. */
    boolean stop(ChatThread thread) {
        return running.stop(thread.orgId(), thread.id());
    }

    /** The event that ends a turn's stream: {@code message.completed} or {@code error}. */
    private record Last(String event, Object data) {
    }

    /** Plays the turn and stores its answer; returns the stream's last event, which the caller sends once the thread is released. */
    private Last play(Prepared p, List<ThreadMessage> history, String content, Turn turn) {
        ThreadMessage answer = store.append(p.thread().orgId(), p.thread().id(), "assistant", "", "streaming", clock.instant());
        StringBuilder text = new StringBuilder();
        turn.writing(answer.id(), text);
        ArrayNode toolLog = json.createArrayNode();
        String status = "completed";
        ObjectNode error = null;
        try {
            Map<String, Tool> agentTools = turnTools.of(p);
            List<ToolSpecification> specs = agentTools.values().stream().map(StreamingChats::spec).toList();
            List<ChatMessage> messages = messages(p, history, content);
            int toolCallCount = 0;
            int maxToolCalls = models.maxToolCalls();
            boolean reminded = false;
            boolean continuation = false;
            while (true) {
                ChatResponse response = stream(p, messages, specs, text, turn, continuation);
                continuation = false;
                if (turn.stopped()) {
                    status = "stopped";
                    break;
                }
                AiMessage ai = response.aiMessage();
                if (!ai.hasToolExecutionRequests()) {
                    Optional<Builtins.Reminder> reminder = reminded ? Optional.empty() : turnTools.reminder(p);
                    if (reminder.isEmpty()) {
                        break;
                    }
                    reminded = true;
                    remind(ai, reminder.get(), messages, text, toolLog, turn);
                    continuation = true;
                    continue;
                }
                messages.add(ai);
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    if (++toolCallCount > maxToolCalls) {
                        throw new TurnFailed("TOOL_LIMIT", "the model asked for more than " + maxToolCalls + " tool calls in one turn");
                    }
                    messages.add(ToolExecutionResultMessage.from(call, turnTools.call(p, agentTools, call, toolLog, turn)));
                }
                if (turn.stopped()) {
                    status = "stopped";
                    break;
                }
            }
        } catch (TurnFailed e) {
            status = "failed";
            error = json.createObjectNode().put("code", e.code).put("message", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = "stopped";
        } catch (RuntimeException e) {
            log.error("Turn of thread {} failed", p.thread().id(), e);
            status = "failed";
            error = json.createObjectNode().put("code", "INTERNAL").put("message", "the turn failed; see the server log");
        }
        store.finish(answer.id(), text.toString(), status, json.writeValueAsString(toolLog), json.writeValueAsString(turn.calls.calls()),
                error == null ? null : json.writeValueAsString(error));
        store.touch(p.thread().id(), clock.instant());
        if (error != null) {
            return new Last("error", error);
        }
        if (status.equals("completed")) {
            try {
                memory.indexTurn(p.thread().orgId(), p.agent().id(), p.thread().user(), content, text.toString());
            } catch (RuntimeException e) {
                log.error("Indexing a turn of thread {} into the agent's memory failed; the answer stands", p.thread().id(), e);
            }
        }
        ThreadMessage stored = new ThreadMessage(answer.id(), answer.threadId(), answer.seq(), "assistant", text.toString(), status, toolLog,
                turn.usage(), answer.createdAt());
        return new Last("message.completed", json.createObjectNode().set("message", json.valueToTree(ThreadController.MessageView.of(stored))));
    }

    /**
     * One model call, its text streamed to the client as {@code message.delta} and appended to
     * {@code text}, recorded in the turn's calls however it ends. {@code planReminder}: the call
     * answers the plan reminder (see {@link #remind}).
     */
    private ChatResponse stream(Prepared p, List<ChatMessage> messages, List<ToolSpecification> specs, StringBuilder text, Turn turn,
            boolean planReminder) throws InterruptedException {
        ChatRequest.Builder request = ChatRequest.builder().messages(messages).modelName(p.target().providerModelName());
        if (p.agent().temperature() != null) {
            request.temperature(p.agent().temperature());
        }
        if (!specs.isEmpty()) {
            request.toolSpecifications(specs);
        }
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        turn.waitingOn(done);
        TurnRecorder.ModelCall call = turn.calls.startModelCall(planReminder);
        p.target().chat().chat(request.build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                turn.streaming(context.streamingHandle());
                if (turn.stopped()) {
                    return;
                }
                call.text();
                synchronized (text) {
                    text.append(partial.text());
                }
                turn.delta(partial.text(), json.writeValueAsString(Map.of("text", partial.text())));
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            ChatResponse response = done.get(2 * models.timeout().toMillis(), TimeUnit.MILLISECONDS);
            recordUsage(p, response, turn, call);
            return response;
        } catch (CancellationException stopped) {
            turn.calls.endModelCall(call, p.target().modelId(), "cancelled", null, 0, 0, BigDecimal.ZERO);
            return null;
        } catch (ExecutionException e) {
            if (turn.stopped()) {
                turn.calls.endModelCall(call, p.target().modelId(), "cancelled", null, 0, 0, BigDecimal.ZERO);
                return null;
            }
            String message = "the model call failed: " + e.getCause().getMessage();
            turn.calls.endModelCall(call, p.target().modelId(), "failed", message, 0, 0, BigDecimal.ZERO);
            throw new TurnFailed("MODEL_ERROR", message);
        } catch (TimeoutException e) {
            turn.stop();
            String message = "the model did not finish within " + 2 * models.timeout().toSeconds() + " s";
            turn.calls.endModelCall(call, p.target().modelId(), "failed", message, 0, 0, BigDecimal.ZERO);
            throw new TurnFailed("MODEL_ERROR", message);
        }
    }

    /**
     * Adds the call's tokens (as the provider reported them) and their cost to the answer, and the
     * call to its trace, stored at once so a crash keeps them.
     */
    private void recordUsage(Prepared p, ChatResponse response, Turn turn, TurnRecorder.ModelCall call) {
        TokenUsage tokens = response.tokenUsage();
        long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        BigDecimal cost = p.target().cost(in, out);
        turn.used(p.target().modelId(), in, out, cost);
        turn.calls.endModelCall(call, p.target().modelId(), "succeeded", null, in, out, cost);
        turn.partial().ifPresent(partial -> turnStore.addUsage(partial.messageId(), p.target().modelId(), in, out, cost, partial.calls()));
    }

    /** The agent's instructions, as much of the thread's history as fits the context window, and the new message. */
    private List<ChatMessage> messages(Prepared p, List<ThreadMessage> history, String content) {
        String system = p.agent().instructions();
        int window = p.target().contextWindow();
        int reserved = ThreadMemory.estimateTokens(system) + ThreadMemory.estimateTokens(content)
                + Math.min(models.maxOutputTokens(), Math.max(window / 4, 0));
        List<ChatMessage> out = new ArrayList<>();
        if (system != null && !system.isBlank()) {
            out.add(SystemMessage.from(system));
        }
        for (ThreadMessage m : ThreadMemory.fit(history, window, reserved)) {
            if (m.content().isEmpty()) {
                continue;
            }
            out.add("user".equals(m.role()) ? UserMessage.from(m.content()) : AiMessage.from(m.content()));
        }
        out.add(UserMessage.from(content));
        return out;
    }

    /**
     * Sends the model the reminder and lets it answer again, within the same turn. The answer so far
     * stays; what follows is streamed after a blank line. The tool log gets a {@code plan_reminder}
     * entry at this point, so a reader of the message can see it happened.
     */
    private void remind(AiMessage ai, Builtins.Reminder reminder, List<ChatMessage> messages, StringBuilder text, ArrayNode toolLog, Turn turn) {
        if (ai.text() != null && !ai.text().isBlank()) {
            messages.add(AiMessage.from(ai.text()));
        }
        messages.add(UserMessage.from(reminder.message()));
        ObjectNode entry = toolLog.addObject().put("kind", "plan_reminder").put("plan_id", reminder.planId().toString());
        entry.set("todos", json.valueToTree(reminder.todos()));
        synchronized (text) {
            if (!text.isEmpty()) {
                text.append("\n\n");
                turn.delta("\n\n", "{\"text\":\"\\n\\n\"}");
            }
        }
    }

    /** A turn that cannot go on; {@code code} is what the client's {@code error} event says. */
    private static final class TurnFailed extends RuntimeException {
        final String code;

        TurnFailed(String code, String message) {
            super(message);
            this.code = code;
        }
    }
}
