package dev.griddle.server.replay;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code dataset_case_calls}: the copy of a run's recording that a dataset case keeps (issue #18).
 * The rows are copied as stored (deflated) and have no reference to the run, so they outlive its
 * retention. A run whose {@code run_replays} row names a {@code source_case_id} is answered from them.
 */
@Repository
public class CaseRecordings {

    private final JdbcClient jdbc;
    private final RecordingStore store;

    CaseRecordings(JdbcClient jdbc, RecordingStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    /** Copies the recorded calls of {@code runId} to the case, in the caller's transaction; returns their compressed bytes. */
    public long copy(UUID runId, UUID caseId) {
        jdbc.sql("""
                insert into dataset_case_calls (case_id, step_id, attempt, item_index, seq, kind, fingerprint, request, response, duration_ms, cost_usd)
                select :case, step_id, attempt, item_index, seq, kind, fingerprint, request, response, duration_ms, cost_usd
                from run_calls where run_id = :run""")
                .param("case", caseId).param("run", runId).update();
        return jdbc.sql("select coalesce(sum(length(request) + length(response)), 0) from dataset_case_calls where case_id = :case")
                .param("case", caseId).query(Long.class).single();
    }

    /** The case's recorded calls of one step (all steps when {@code stepId} is null), in the order they were made. */
    public List<RecordingStore.Recorded> calls(UUID caseId, String stepId) {
        return jdbc.sql("""
                select step_id, attempt, item_index, seq, kind, fingerprint, request, response, duration_ms, cost_usd
                from dataset_case_calls where case_id = :case and (cast(:step as text) is null or step_id = :step)
                order by step_id, item_index, attempt, seq""")
                .param("case", caseId).param("step", stepId)
                .query((rs, n) -> new RecordingStore.Recorded(rs.getString("step_id"), rs.getInt("attempt"), rs.getInt("item_index"),
                        rs.getInt("seq"), rs.getString("kind"), rs.getString("fingerprint"), store.inflate(rs.getBytes("request")),
                        store.inflate(rs.getBytes("response")), rs.getLong("duration_ms"), rs.getBigDecimal("cost_usd"), false))
                .list();
    }

    /**
     * Makes {@code runId} a strict replay of the case's recording: to be called in the transaction that
     * starts the run, so no step of it runs before its mode is known.
     */
    public void replayFromCase(UUID runId, UUID caseId) {
        jdbc.sql("insert into run_replays (run_id, source_run_id, mode, source_case_id) values (:run, null, 'strict', :case)")
                .param("run", runId).param("case", caseId).update();
    }
}
