package dev.griddle.server.engine;

import dev.griddle.server.replay.RecordingStore;
import dev.griddle.server.replay.Tapes;
import dev.griddle.server.step.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #18: a {@code session} step's result in its run's recording (kind {@code session}), and on
 * a replay the recorded result in place of a session on a worker host. The request is what the step
 * asked for ({@code template, prompt, wait_for}, rendered); the response the result the step
 * completed with ({@code session_id, status, exit_code, reason, output}). The session itself runs
 * outside the step attempt (no tape), so the result is recorded when it reaches the step, in the
 * run's transaction.
 */
@Component
class SessionReplays {

    static final String KIND = "session";
    /** The field of a {@code session_reached} task's input that carries the step's request (older tasks have none). */
    static final String REQUEST_FIELD = "recorded_request";

    private final Tapes tapes;
    private final RecordingStore recordings;

    SessionReplays(Tapes tapes, RecordingStore recordings) {
        this.tapes = tapes;
        this.recordings = recordings;
    }

    static ObjectNode request(String template, String prompt, String waitFor) {
        return JsonNodeFactory.instance.objectNode().put("template", template).put("prompt", prompt).put("wait_for", waitFor);
    }

    /** On a replay, the recorded result of this step's session; {@link Tapes.Answer.Live} when a session is to run. */
    Tapes.Answer replayed(RunTx run, String stepId, int attempt, JsonNode request) {
        return tapes.answer(run.row.orgId(), run.id(), stepId, -1, attempt, KIND, request);
    }

    /** The replayed result's call, marked replayed, in the replay's own recording. */
    void keep(RunTx run, String stepId, int attempt, List<StepOutcome.Call> calls) {
        recordings.append(run.id(), stepId, -1, attempt, calls, run.now);
    }

    /** The session's result joins the run's recording (unless its runner says {@code recording: off}). */
    void record(RunTx run, StepRow step, JsonNode request, JsonNode result) {
        Instant started = step.startedAt();
        long waited = started == null ? 0 : Math.max(0, Duration.between(started, run.now).toMillis());
        StepOutcome.Call call = tapes.recorded(run.row.orgId(), run.id(), KIND, request, result, waited);
        if (call != null) {
            recordings.append(run.id(), step.stepId, -1, step.attempt(), List.of(call), run.now);
        }
    }

    /** The step's outcome for a session result, recorded or live. */
    static StepOutcome outcome(JsonNode result) {
        return "failed".equals(result.path("status").asString())
                ? new StepOutcome.Failed("session " + result.path("session_id").asString() + " failed: " + result.path("reason").asString("failed"),
                        false, result)
                : StepOutcome.done(result);
    }
}
