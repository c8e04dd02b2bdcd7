package dev.griddle.server.thread;

import dev.langchain4j.model.chat.response.StreamingHandle;
import java.io.IOException;
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

    final UUID threadId;
    final UUID messageId;
    private volatile SseEmitter client;
    private volatile boolean stopped;
    private volatile StreamingHandle handle;
    private volatile CompletableFuture<?> waiting;

    Turn(UUID threadId, UUID messageId, SseEmitter client) {
        this.threadId = threadId;
        this.messageId = messageId;
        this.client = client;
        client.onCompletion(this::clientGone);
        client.onError(e -> clientGone());
        client.onTimeout(this::clientGone);
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

    /** Ends the client's stream (the turn is over). */
    void close() {
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
