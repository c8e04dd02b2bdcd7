package dev.griddle.server.engine;

import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session reached what its {@code session} step waits for (it exited, or went idle): the result
 * travels to the run as an internal task ({@code session_reached}) that the run's own transaction
 * applies, like a child run's end.
 */
@Component
public class SessionStepResults {

    private final TaskQueue queue;
    private final Wakeups wakeups;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    SessionStepResults(TaskQueue queue, Wakeups wakeups, Clock clock, org.springframework.transaction.support.TransactionTemplate tx) {
        this.queue = queue;
        this.wakeups = wakeups;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * {@code result}: {@code {session_id, status, exit_code, reason, output}}; {@code failed} fails the
     * step. The session's template, prompt and {@code wait_for} travel with it, for the run's recording.
     */
    public void reached(UUID orgId, UUID runId, String stepId, ObjectNode result, String template, String prompt, String waitFor) {
        ObjectNode input = result.deepCopy();
        input.set(SessionReplays.REQUEST_FIELD, SessionReplays.request(template, prompt, waitFor));
        tx.executeWithoutResult(status -> {
            var now = clock.instant();
            queue.enqueue(TaskRow.internal(orgId, runId, stepId, 0, InternalKinds.SESSION_REACHED, input, now), now, false);
            wakeups.tasksEnqueued();
        });
    }
}
