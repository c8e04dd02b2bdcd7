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

/**
 * Opens the {@link CallTape} of a step attempt: recording for an ordinary run, replaying for a run
 * started by {@code POST /runs/{id}/replay} (and for the child runs of one: a child replays the
 * recording of the source run's child of the same step). A run's mode is looked up once per process
 * and remembered ({@code griddle.replay.mode-cache}); a replay's recording is read per step.
 */
@Component
public class Tapes {

    /** How a run's calls are made: recorded, or answered from {@code source}'s recording (a dataset case's when {@code fromCase}). */
    record RunMode(CallTape.Mode mode, UUID source, boolean fromCase) {
        static final RunMode RECORD = new RunMode(CallTape.Mode.RECORD, null, false);

        RunMode(CallTape.Mode mode, UUID source) {
            this(mode, source, false);
        }
    }

    private final JdbcClient jdbc;
    private final RecordingStore store;
    private final CaseRecordings cases;
    private final SecretMasking masking;
    private final boolean recording;
    private final Cache<UUID, RunMode> modes;

    Tapes(JdbcClient jdbc, RecordingStore store, CaseRecordings cases, SecretMasking masking, ReplayProperties props) {
        this.jdbc = jdbc;
        this.store = store;
        this.cases = cases;
        this.masking = masking;
        this.recording = props.recording();
        this.modes = Caffeine.newBuilder().maximumSize(props.modeCache()).expireAfterAccess(props.modeCacheTtl()).build();
    }

    /** The tape for this attempt, or null when its run neither records nor replays. */
    CallTape open(StepTask task) {
        RunMode mode = mode(task.runId());
        if (mode.mode() == CallTape.Mode.RECORD && !recording) {
            return null;
        }
        List<RecordingStore.Recorded> source = mode.source() == null ? List.of()
                : mode.fromCase() ? cases.calls(mode.source(), task.stepId()) : store.calls(mode.source(), task.stepId());
        return new CallTape(task.stepId(), task.itemIndex(), task.attempt(), mode.mode(), source, node -> masking.mask(task.orgId(), node),
                recording);
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

    private RunMode mode(UUID runId) {
        RunMode mode = modes.getIfPresent(runId);
        if (mode == null) {
            mode = lookUp(runId); // not Cache.get: the look-up of a child run reads its parent's mode through this cache
            modes.put(runId, mode);
        }
        return mode;
    }

    private RunMode lookUp(UUID runId) {
        record Row(UUID source, String mode, UUID parent, String parentStep, UUID sourceCase) {
        }
        Optional<Row> row = jdbc.sql("""
                select p.source_run_id, p.mode, r.parent_run_id, r.parent_step_id, p.source_case_id
                from runs r left join run_replays p on p.run_id = r.id where r.id = :id""")
                .param("id", runId)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getObject(5, UUID.class)))
                .optional();
        if (row.isEmpty()) {
            return RunMode.RECORD;
        }
        Row r = row.get();
        if (r.sourceCase() != null) {
            return new RunMode(r.mode().equals("strict") ? CallTape.Mode.STRICT : CallTape.Mode.FALLTHROUGH, r.sourceCase(), true);
        }
        if (r.source() != null) {
            return new RunMode(r.mode().equals("strict") ? CallTape.Mode.STRICT : CallTape.Mode.FALLTHROUGH, r.source());
        }
        if (r.parent() == null) {
            return RunMode.RECORD;
        }
        RunMode parent = mode(r.parent());
        if (parent.source() == null || parent.fromCase()) {
            return RunMode.RECORD;
        }
        // the source parent's child of the same step (the first one: a for_each of runner steps replays item by item in order)
        Optional<UUID> sourceChild = jdbc.sql("""
                select id from runs where parent_run_id = :parent and parent_step_id = :step
                order by created_at, id offset (select count(*) from runs where parent_run_id = :replayParent and parent_step_id = :step
                                                 and created_at < (select created_at from runs where id = :id))
                limit 1""")
                .param("parent", parent.source()).param("step", r.parentStep()).param("replayParent", r.parent()).param("id", runId)
                .query(UUID.class).optional();
        return sourceChild.map(s -> new RunMode(parent.mode(), s)).orElse(new RunMode(parent.mode(), new UUID(0, 0)));
    }
}
