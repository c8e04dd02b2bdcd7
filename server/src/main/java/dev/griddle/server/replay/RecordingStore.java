package dev.griddle.server.replay;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.step.StepOutcome;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code run_calls}: the recorded calls of runs, request and response as deflated JSON. Appended in
 * the transaction that completes the step attempt that made them, up to
 * {@code griddle.replay.max-bytes-per-run} compressed bytes per run.
 */
@Repository
public class RecordingStore {

    /** One recorded call, inflated. */
    public record Recorded(String stepId, int attempt, int itemIndex, int seq, String kind, String fingerprint, JsonNode request,
            JsonNode response, long durationMs, BigDecimal costUsd, boolean replayed) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;
    private final long maxBytesPerRun;

    RecordingStore(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json, ReplayProperties props) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
        this.maxBytesPerRun = props.maxBytesPerRun().toBytes();
    }

    private record Packed(StepOutcome.Call call, byte[] request, byte[] response) {
        int size() {
            return request.length + response.length;
        }
    }

    /**
     * Appends one attempt's calls, in the caller's transaction (which holds the run's row lock, so the
     * size checks and the inserts do not race), as one batch: each row goes in only while the run's
     * recording stays under the cap. Returns how many calls did not fit.
     */
    public int append(UUID runId, String stepId, int itemIndex, int attempt, List<StepOutcome.Call> calls, Instant now) {
        if (calls.isEmpty()) {
            return 0;
        }
        List<Packed> packed = calls.stream().map(c -> new Packed(c, deflate(c.request()), deflate(c.response()))).toList();
        int[][] counts = batch.batchUpdate("""
                insert into run_calls (run_id, step_id, attempt, item_index, seq, kind, fingerprint, request, response, size_bytes,
                                       duration_ms, cost_usd, replayed, created_at)
                select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                where (select coalesce(sum(size_bytes), 0) from run_calls where run_id = ?) + ? <= ?
                on conflict do nothing""", packed, packed.size(), (ps, p) -> {
            ps.setObject(1, runId);
            ps.setString(2, stepId);
            ps.setInt(3, attempt);
            ps.setInt(4, itemIndex);
            ps.setInt(5, p.call().seq());
            ps.setString(6, p.call().kind());
            ps.setString(7, p.call().fingerprint());
            ps.setBytes(8, p.request());
            ps.setBytes(9, p.response());
            ps.setInt(10, p.size());
            ps.setLong(11, p.call().durationMs());
            ps.setBigDecimal(12, p.call().costUsd());
            ps.setBoolean(13, p.call().replayed());
            ps.setTimestamp(14, ts(now));
            ps.setObject(15, runId);
            ps.setInt(16, p.size());
            ps.setLong(17, maxBytesPerRun);
        });
        int stored = 0;
        for (int[] chunk : counts) {
            for (int n : chunk) {
                stored += n > 0 || n == java.sql.Statement.SUCCESS_NO_INFO ? 1 : 0;
            }
        }
        return calls.size() - stored;
    }

    /** A run's recorded calls in the order they were made (by step, item, attempt, seq); {@code stepId} null for all steps. */
    public List<Recorded> calls(UUID runId, String stepId) {
        return jdbc.sql("""
                select step_id, attempt, item_index, seq, kind, fingerprint, request, response, duration_ms, cost_usd, replayed
                from run_calls where run_id = :run and (cast(:step as text) is null or step_id = :step)
                order by created_at, step_id, item_index, attempt, seq""")
                .param("run", runId).param("step", stepId)
                .query((rs, n) -> new Recorded(rs.getString("step_id"), rs.getInt("attempt"), rs.getInt("item_index"), rs.getInt("seq"),
                        rs.getString("kind"), rs.getString("fingerprint"), inflate(rs.getBytes("request")), inflate(rs.getBytes("response")),
                        rs.getLong("duration_ms"), rs.getBigDecimal("cost_usd"), rs.getBoolean("replayed")))
                .list();
    }

    private byte[] deflate(JsonNode node) {
        byte[] raw = json.writeValueAsBytes(node);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, raw.length / 2));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    JsonNode inflate(byte[] packed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(packed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length * 3);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a recorded call is truncated");
                }
                out.write(buffer, 0, n);
            }
            return json.readTree(out.toByteArray());
        } catch (DataFormatException e) {
            throw new IllegalStateException("a recorded call is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
