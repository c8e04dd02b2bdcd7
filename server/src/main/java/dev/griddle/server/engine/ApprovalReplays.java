package dev.griddle.server.engine;

import dev.griddle.server.replay.RecordingStore;
import dev.griddle.server.replay.Tapes;
import dev.griddle.server.step.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #18: an approval's decision in its run's recording (kind {@code approval}), and on a replay
 * the recorded decision in place of a person's. The request is the rendered {@code message} (what
 * was asked); the response the decision: {@code approved, comment, result, status}
 * ({@code completed} or {@code expired}) and {@code completed_by} (the API key's id, when a key
 * decided). Both are written in the run's transaction.
 */
@Component
class ApprovalReplays {

    static final String KIND = "approval";

    private final Tapes tapes;
    private final RecordingStore recordings;

    ApprovalReplays(Tapes tapes, RecordingStore recordings) {
        this.tapes = tapes;
        this.recordings = recordings;
    }

    static ObjectNode request(String message) {
        return JsonNodeFactory.instance.objectNode().put("message", message);
    }

    /** The decision of a completed or expired approval joins the run's recording (unless its runner says {@code recording: off}). */
    void record(RunTx run, Approval approval, int attempt, String status, boolean approved, String comment, JsonNode result, UUID by) {
        ObjectNode decision = JsonNodeFactory.instance.objectNode().put("approved", approved).put("comment", comment).put("status", status);
        decision.set("result", result == null ? JsonNodeFactory.instance.nullNode() : result);
        decision.put("completed_by", by == null ? null : by.toString());
        long waited = approval.createdAt() == null ? 0 : Duration.between(approval.createdAt(), run.now).toMillis();
        StepOutcome.Call call = tapes.recorded(run.row.orgId(), run.id(), KIND, request(approval.message()), decision, waited);
        if (call != null) {
            recordings.append(run.id(), approval.stepId(), -1, attempt, List.of(call), run.now);
        }
    }

    /** On a replay, the recorded decision for this question of this step; {@link Tapes.Answer.Live} when a person is to decide. */
    Tapes.Answer replayed(RunTx run, String stepId, int attempt, String message) {
        return tapes.answer(run.row.orgId(), run.id(), stepId, -1, attempt, KIND, request(message));
    }

    /** The replayed decision's call, marked replayed, in the replay's own recording. */
    void keep(RunTx run, String stepId, int attempt, List<StepOutcome.Call> calls) {
        recordings.append(run.id(), stepId, -1, attempt, calls, run.now);
    }

    /** The step's output for a decision, as a person's or a deadline's makes it. */
    static ObjectNode output(boolean approved, String comment, JsonNode result, boolean timedOut) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        if (timedOut) {
            output.put("approved", approved).put("timed_out", true);
            output.putNull("comment");
            return output;
        }
        if (result != null && result.isObject()) {
            output.setAll((ObjectNode) result);
        }
        output.put("approved", approved);
        output.put("comment", comment);
        return output;
    }
}
