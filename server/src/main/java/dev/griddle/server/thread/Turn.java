package dev.griddle.server.thread;

import dev.griddle.server.trace.TurnTraces;
import dev.langchain4j.model.chat.response.StreamingHandle;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One answer being written in a thread. The answer belongs to the server, not to the connection:
 * when the client goes away, events are no longer sent but the turn goes on and is stored.
 * {@link #stop} cancels the provider stream and keeps what was written so far.
 */
final class Turn {

    /** The answer's text and calls so far, for the heartbeat to save. */
    record Partial(UUID messageId, String text, List<TurnTraces.Call> calls) {
    }

    final UUID threadId;
    /** The turn's id in {@code threads.turn_id}. */
    final UUID id;
    /** The turn's model and tool calls: its trace. */
    final TurnRecorder calls;
    private volatile SseEmitter client;
    private final TurnListener listener;
    /** The user's message this turn answers (set once the claim has stored it). */
    private volatile UUID questionId;
    private volatile boolean stopped;
    private volatile StreamingHandle handle;
    private volatile CompletableFuture<?> waiting;
    private volatile UUID answerId;
    private volatile StringBuilder text;
    private volatile ThreadMessage.Usage usage = ThreadMessage.Usage.NONE;
    private volatile boolean claimed;

    /** {@code client} (the SSE stream) may be null when only {@code listener} follows the turn. */
    Turn(UUID threadId, UUID id, SseEmitter client, TurnListener listener, TurnRecorder calls) {
        this.threadId = threadId;
        this.id = id;
        this.calls = calls;
        this.client = client;
        this.listener = listener;
        if (client != null) {
            client.onCompletion(this::clientGone);
            client.onError(e -> clientGone());
            client.onTimeout(this::clientGone);
        }
    }

    /** The claim on the thread has committed, with the user's message {@code questionId}: from now on the heartbeat stamps this turn. */
    void claimed(UUID questionId) {
        this.questionId = questionId;
        claimed = true;
    }

    UUID questionId() {
        return questionId;
    }

    boolean isClaimed() {
        return claimed;
    }

    /** The stored answer being written and its text buffer (appended to under its own lock). */
    void writing(UUID answerId, StringBuilder text) {
        this.answerId = answerId;
        this.text = text;
    }

    Optional<Partial> partial() {
        StringBuilder t = text;
        if (answerId == null || t == null) {
            return Optional.empty();
        }
        synchronized (t) {
            return Optional.of(new Partial(answerId, t.toString(), calls.calls()));
        }
    }

    /** Adds one model call's usage; returns the turn's total so far. */
    ThreadMessage.Usage used(String model, long inputTokens, long outputTokens, BigDecimal costUsd) {
        usage = usage.plus(model, inputTokens, outputTokens, costUsd);
        return usage;
    }

    ThreadMessage.Usage usage() {
        return usage;
    }

    /** Sends one event to the client if it is still there; a failed send means it left. */
    void emit(String event, Object data) {
        SseEmitter c = client;
        if (c == null) {
            return;
        }
        try {
            c.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            clientGone();
        }
    }

    /**
     * Sends one event whose data is JSON text already written (a token's delta, the hot path):
     * written as a plain string, it skips the content negotiation and JSON converter of
     * {@link #emit} per token.
     */
    void emitJson(String event, String json) {
        SseEmitter c = client;
        if (c == null) {
            return;
        }
        try {
            c.send(SseEmitter.event().name(event).data(json));
        } catch (IOException | IllegalStateException e) {
            clientGone();
        }
    }

    /** A piece of the answer's text: to the client as {@code message.delta} ({@code json} is its data), and to the listener. */
    void delta(String text, String json) {
        emitJson("message.delta", json);
        listener.delta(text);
    }

    /** Ends the client's stream and tells the listener (the turn is over, its answer stored). */
    void close() {
        listener.ended();
        SseEmitter c = client;
        client = null;
        if (c != null) {
            try {
                c.complete();
            } catch (IllegalStateException ignored) {
                // already completed by the container
            }
        }
    }

    boolean clientConnected() {
        return client != null;
    }

    private void clientGone() {
        client = null;
    }

    /** The provider stream of the model call in progress, so that {@link #stop} can cancel it. */
    void streaming(StreamingHandle handle) {
        this.handle = handle;
        if (stopped) {
            handle.cancel();
        }
    }

    /** What the turn waits on now (a model call); completed early by {@link #stop}. */
    void waitingOn(CompletableFuture<?> future) {
        this.waiting = future;
        if (stopped) {
            future.cancel(false);
        }
    }

    void stop() {
        stopped = true;
        StreamingHandle h = handle;
        if (h != null) {
            h.cancel();
        }
        CompletableFuture<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
    }

    boolean stopped() {
        return stopped;
    }
}
