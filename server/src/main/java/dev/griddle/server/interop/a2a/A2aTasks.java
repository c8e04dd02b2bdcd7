package dev.griddle.server.interop.a2a;

import dev.griddle.server.thread.AgentThreads;
import io.a2a.spec.Artifact;
import io.a2a.spec.Message;
import io.a2a.spec.Task;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatus;
import io.a2a.spec.TextPart;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A thread turn as an A2A task: the task id is the id of the user's message, the context id the
 * thread's, the status the answer's (none yet: submitted; streaming: working; completed; stopped:
 * canceled; failed or interrupted: failed), the answer an artifact and the last history entry.
 */
final class A2aTasks {

    static final String ANSWER_ARTIFACT = "answer";

    private A2aTasks() {
    }

    static TaskState state(String answerStatus) {
        if (answerStatus == null) {
            return TaskState.SUBMITTED;
        }
        return switch (answerStatus) {
            case "streaming" -> TaskState.WORKING;
            case "completed" -> TaskState.COMPLETED;
            case "stopped" -> TaskState.CANCELED;
            default -> TaskState.FAILED;
        };
    }

    static Task of(AgentThreads.Exchange e) {
        String taskId = e.questionId().toString();
        String contextId = e.threadId().toString();
        TaskState state = state(e.answerStatus());
        List<Message> history = new ArrayList<>();
        history.add(new Message.Builder().role(Message.Role.USER).messageId(taskId).contextId(contextId).taskId(taskId)
                .parts(new TextPart(e.question())).build());
        List<Artifact> artifacts = List.of();
        Message answer = null;
        if (e.answerId() != null && state != TaskState.WORKING) {
            answer = agentMessage(e.answerId(), contextId, taskId, e.answer());
            history.add(answer);
            artifacts = List.of(artifact(e.answer()));
        }
        return new Task.Builder().id(taskId).contextId(contextId).status(new TaskStatus(state, state.isFinal() ? answer : null, now()))
                .history(history).artifacts(artifacts).build();
    }

    static Message agentMessage(UUID answerId, String contextId, String taskId, String text) {
        return new Message.Builder().role(Message.Role.AGENT).messageId(answerId.toString()).contextId(contextId).taskId(taskId)
                .parts(new TextPart(text == null ? "" : text)).build();
    }

    static Artifact artifact(String text) {
        return new Artifact(ANSWER_ARTIFACT, "answer", null, List.of(new TextPart(text == null ? "" : text)), null, null);
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
