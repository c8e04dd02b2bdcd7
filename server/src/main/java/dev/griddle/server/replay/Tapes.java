package dev.griddle.server.replay;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens the {@link CallTape} of a step attempt: recording for an ordinary run, replaying for a run
 * started by {@code POST /runs/{id}/replay} (and for the child runs of one: a child replays the
 * recording of the source run's child of the same step). A run's mode is looked up once per process
 * and remembered ({@code griddle.replay.mode-cache}); a replay's recording is read per step. What a
 * run keeps follows its runner version's {@code recording} and {@code redact} settings, read once per
 * version (versions never change).
 */
@Component
public class Tapes {

    /** How a run's calls are made: recorded, or answered from {@code source}'s recording (a dataset case's when {@code fromCase}); and its runner version, whose settings say what is kept. */
    record RunMode(CallTape.Mode mode, UUID source, boolean fromCase, UUID runnerId, int version) {
        static RunMode record(UUID runnerId, int version) {
            return new RunMode(CallTape.Mode.RECORD, null, false, runnerId, version);
        }

        RunMode from(CallTape.Mode replayMode, UUID replaySource) {
            return new RunMode(replayMode, replaySource, false, runnerId, version);
        }

        /** Answered from a dataset case's copy of a recording. */
        RunMode fromCase(CallTape.Mode replayMode, UUID caseId) {
            return new RunMode(replayMode, caseId, true, runnerId, version);
        }
    }

    /** A runner version's recording settings (issue #18): {@code off} keeps nothing; {@code redaction} what is kept of each call. */
    record Policy(boolean off, Redaction redaction) {
        static final Policy DEFAULT = new Policy(false, Redaction.NONE);
    }

    private record VersionKey(UUID runnerId, int version) {
    }

    /** What the engine learns of a step it answers itself (an approval, a worker's task) on a replay. */
    public sealed interface Answer {
        /** The recording's answer, and the replayed call for the new run's recording. */
        record Recorded(JsonNode response, List<StepOutcome.Call> calls) implements Answer {
        }

        /** A strict replay without an answer: the step fails with this, not retried. */
        record Mismatch(String message, JsonNode details) implements Answer {
        }

        /** Not a replay, or a fallthrough one without an answer: the step goes on as in a live run. */
        record Live() implements Answer {
        }
    }

    /** Thrown through a tape's live call when the engine, not the tape, makes the call. */
    private static final class GoLive extends RuntimeException {
        GoLive() {
            super(null, null, false, false);
        }
    }

    private final JdbcClient jdbc;
    private final RecordingStore store;
    private final CaseRecordings cases;
    private final SecretMasking masking;
    private final JsonMapper json;
    private final boolean recording;
    private final Cache<UUID, RunMode> modes;
    private final Cache<VersionKey, Policy> policies;

    Tapes(JdbcClient jdbc, RecordingStore store, CaseRecordings cases, SecretMasking masking, ReplayProperties props, JsonMapper json) {
        this.jdbc = jdbc;
        this.store = store;
        this.cases = cases;
        this.masking = masking;
        this.json = json;
        this.recording = props.recording();
        this.modes = Caffeine.newBuilder().maximumSize(props.modeCache()).expireAfterAccess(props.modeCacheTtl()).build();
        this.policies = Caffeine.newBuilder().maximumSize(props.modeCache()).expireAfterAccess(props.modeCacheTtl()).build();
    }

    /** The tape for this attempt, or null when its run neither records nor replays. */
    CallTape open(StepTask task) {
        return open(task.orgId(), task.runId(), task.stepId(), task.itemIndex(), task.attempt());
    }

    private CallTape open(UUID orgId, UUID runId, String stepId, int itemIndex, int attempt) {
        RunMode mode = mode(runId);
        Policy policy = policy(mode);
        boolean keep = recording && !policy.off();
        if (mode.mode() == CallTape.Mode.RECORD && !keep) {
            return null;
        }
        List<RecordingStore.Recorded> source = mode.source() == null ? List.of()
                : mode.fromCase() ? cases.calls(mode.source(), stepId) : store.calls(mode.source(), stepId);
        return new CallTape(stepId, itemIndex, attempt, mode.mode(), source, node -> masking.mask(orgId, node), keep, policy.redaction());
    }

    /**
     * Runs the executor with the attempt's tape bound to this thread, and returns its outcome with the
     * calls it made in its trail (and a strict replay's mismatch as the step's failure).
     */
    public StepOutcome around(StepTask task, Execution execution) throws InterruptedException {
        CallTape tape = open(task);
        if (tape == null) {
            return execution.run();
        }
        StepOutcome outcome;
        try (CallTape.Binding ignored = tape.bind()) {
            outcome = execution.run();
        } catch (ReplayMismatch e) {
            outcome = StepOutcome.failed(e.getMessage(), false);
        }
        return tape.finish(outcome);
    }

    /** A step executor's run. */
    @FunctionalInterface
    public interface Execution {
        StepOutcome run() throws InterruptedException;
    }

    /** Whether the run answers its calls from a recording: a replay, or a child run of one. */
    public boolean replaying(UUID runId) {
        return mode(runId).mode() != CallTape.Mode.RECORD;
    }

    /**
     * A result the engine gets without an executor ({@code kind} {@code approval}: a person's decision;
     * {@code task}: a remote worker's result), answered from the replayed recording by the fingerprint
     * of {@code request}, as a tape answers an executor's call.
     */
    public Answer answer(UUID orgId, UUID runId, String stepId, int itemIndex, int attempt, String kind, JsonNode request) {
        if (!replaying(runId)) {
            return new Answer.Live();
        }
        CallTape tape = open(orgId, runId, stepId, itemIndex, attempt);
        try {
            JsonNode response = tape.exchange(kind, request, () -> {
                throw new GoLive();
            });
            return new Answer.Recorded(response, tape.calls());
        } catch (ReplayMismatch e) {
            return new Answer.Mismatch(e.getMessage(), e.details());
        } catch (GoLive e) {
            return new Answer.Live();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Live();
        }
    }

    /**
     * One result the engine got without an executor, as the run's recording keeps it (masked,
     * fingerprinted, then redacted; {@code seq} 1), or null when the run records nothing.
     */
    public StepOutcome.Call recorded(UUID orgId, UUID runId, String kind, JsonNode request, JsonNode response, long durationMs) {
        Policy policy = policy(mode(runId));
        if (!recording || policy.off()) {
            return null;
        }
        JsonNode masked = masking.mask(orgId, request);
        return policy.redaction().apply(new StepOutcome.Call(1, kind, Fingerprints.of(kind, masked), masked, masking.mask(orgId, response),
                Math.max(0, durationMs), null, false));
    }

    /** Whether runs of this runner version record their calls ({@code recording} not {@code off}). */
    boolean records(UUID runnerId, int version) {
        return !policy(RunMode.record(runnerId, version)).off();
    }

    private Policy policy(RunMode mode) {
        if (mode.runnerId() == null) {
            return Policy.DEFAULT;
        }
        return policies.get(new VersionKey(mode.runnerId(), mode.version()), key -> jdbc.sql("""
                select spec->>'recording' as recording, spec->'redact' as redact from runner_versions where runner_id = :runner and version = :v""")
                .param("runner", mode.runnerId()).param("v", mode.version())
                .query((rs, n) -> new Policy("off".equals(rs.getString("recording")), Redaction.of(strings(rs.getString("redact")))))
                .optional().orElse(Policy.DEFAULT));
    }

    private List<String> strings(String jsonArray) {
        return jsonArray == null ? List.of() : json.readTree(jsonArray).valueStream().map(JsonNode::asString).toList();
    }

    private RunMode mode(UUID runId) {
        RunMode mode = modes.getIfPresent(runId);
        if (mode == null) {
            mode = lookUp(runId); // not Cache.get: the look-up of a child run reads its parent's mode through this cache
            modes.put(runId, mode);
        }
        return mode;
    }

    private RunMode lookUp(UUID runId) {
        record Row(UUID source, String mode, UUID parent, String parentStep, UUID sourceCase, UUID runnerId, int version) {
        }
        Optional<Row> row = jdbc.sql("""
                select p.source_run_id, p.mode, r.parent_run_id, r.parent_step_id, p.source_case_id, r.runner_id, r.runner_version
                from runs r left join run_replays p on p.run_id = r.id where r.id = :id""")
                .param("id", runId)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getObject(5, UUID.class), rs.getObject(6, UUID.class), rs.getInt(7)))
                .optional();
        if (row.isEmpty()) {
            return RunMode.record(null, 0);
        }
        Row r = row.get();
        RunMode own = RunMode.record(r.runnerId(), r.version());
        if (r.sourceCase() != null) {
            return own.fromCase(r.mode().equals("strict") ? CallTape.Mode.STRICT : CallTape.Mode.FALLTHROUGH, r.sourceCase());
        }
        if (r.source() != null) {
            return own.from(r.mode().equals("strict") ? CallTape.Mode.STRICT : CallTape.Mode.FALLTHROUGH, r.source());
        }
        if (r.parent() == null) {
            return own;
        }
        RunMode parent = mode(r.parent());
        if (parent.source() == null || parent.fromCase()) {
            return own;
        }
        // the source parent's child of the same step (the first one: a for_each of runner steps replays item by item in order)
        Optional<UUID> sourceChild = jdbc.sql("""
                select id from runs where parent_run_id = :parent and parent_step_id = :step
                order by created_at, id offset (select count(*) from runs where parent_run_id = :replayParent and parent_step_id = :step
                                                 and created_at < (select created_at from runs where id = :id))
                limit 1""")
                .param("parent", parent.source()).param("step", r.parentStep()).param("replayParent", r.parent()).param("id", runId)
                .query(UUID.class).optional();
        return own.from(parent.mode(), sourceChild.orElse(new UUID(0, 0)));
    }
}
