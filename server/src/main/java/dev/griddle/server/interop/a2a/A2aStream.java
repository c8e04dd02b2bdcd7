package dev.griddle.server.interop.a2a;

import dev.griddle.server.thread.AgentThreads;
import dev.griddle.server.thread.TurnListener;
import io.a2a.spec.SendStreamingMessageResponse;
import io.a2a.spec.StreamingEventKind;
import io.a2a.spec.TaskArtifactUpdateEvent;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatus;
import io.a2a.spec.TaskStatusUpdateEvent;
import java.io.IOException;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code message/stream}: a thread turn as A2A streaming events over SSE. First the task, then each
 * piece of the answer as an artifact update, then the final status update with the whole answer.
 * Pieces written before the task's id is known are held and sent right after the task. A client
 * that goes away stops the events, not the turn.
 */
final class A2aStream implements TurnListener {

    private final SseEmitter emitter;
    private final Object rpcId;
    private final StringBuilder early = new StringBuilder();
    private Supplier<AgentThreads.Exchange> exchange;
    private String taskId;
    private String contextId;
    private boolean ended;
    private boolean gone;

    A2aStream(SseEmitter emitter, Object rpcId) {
        this.emitter = emitter;
        this.rpcId = rpcId;
    }

    /** The turn has started as task {@code taskId} in thread {@code contextId}; {@code exchange} reads it back. */
    synchronized void begin(UUID taskId, UUID contextId, Supplier<AgentThreads.Exchange> exchange) {
        this.taskId = taskId.toString();
        this.contextId = contextId.toString();
        this.exchange = exchange;
        send(A2aTasks.of(exchange.get()));
        send(new TaskStatusUpdateEvent(this.taskId, new TaskStatus(TaskState.WORKING, null, A2aTasks.now()), this.contextId, false, null));
        if (!early.isEmpty()) {
            piece(early.toString());
        }
        if (ended) {
            finish();
        }
    }

    @Override
    public synchronized void delta(String text) {
        if (taskId == null) {
            early.append(text);
        } else {
            piece(text);
        }
    }

    @Override
    public synchronized void ended() {
        ended = true;
        if (taskId != null) {
            finish();
        }
    }

    private void piece(String text) {
        send(new TaskArtifactUpdateEvent(taskId, A2aTasks.artifact(text), contextId, true, false, null));
    }

    private void finish() {
        AgentThreads.Exchange e = exchange.get();
        TaskState state = A2aTasks.state(e.answerStatus());
        send(new TaskStatusUpdateEvent(taskId, new TaskStatus(state, e.answerId() == null ? null
                : A2aTasks.agentMessage(e.answerId(), contextId, taskId, e.answer()), A2aTasks.now()), contextId, true, null));
        try {
            emitter.complete();
        } catch (IllegalStateException ignored) {
            // the container ended the stream already
        }
    }

    private void send(StreamingEventKind event) {
        if (gone) {
            return;
        }
        try {
            emitter.send(SseEmitter.event().data(A2aJson.write(new SendStreamingMessageResponse(rpcId, event))));
        } catch (IOException | IllegalStateException e) {
            gone = true;
        }
    }
}
