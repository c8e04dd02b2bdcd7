package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SQL for {@code step_runs} and {@code step_items}. */
@Repository
class StepRunStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final JsonMapper json;

    StepRunStore(JdbcClient jdbc, JdbcTemplate batch, JsonMapper json) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.json = json;
    }

    /** The step rows of a run created in this transaction, in whatever state they reached in it. */
    void insert(UUID runId, Collection<StepRow> rows) {
        batch.batchUpdate("""
                insert into step_runs (status, attempt, output, error, skip_reason, items, started_at, finished_at, run_id, step_id)
                values (?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?, ?, ?, ?, ?)
                """, rows, rows.size(), (ps, r) -> bind(ps, runId, r));
        rows.forEach(StepRow::written);
    }

    Map<String, StepRow> load(UUID runId) {
        Map<String, StepRow> rows = new LinkedHashMap<>();
        jdbc.sql("select * from step_runs where run_id = :run").param("run", runId).query((rs, n) -> new StepRow(
                rs.getString("step_id"), StepStatus.fromWire(rs.getString("status")), rs.getInt("attempt"), read(rs.getString("output")),
                read(rs.getString("error")), rs.getString("skip_reason"), (Integer) rs.getObject("items"),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at"))))
                .list().forEach(row -> rows.put(row.stepId, row));
        return rows;
    }

    private static final String[] FINISHED = java.util.Arrays.stream(StepStatus.values()).filter(StepStatus::terminal).map(StepStatus::wire)
            .toArray(String[]::new);

    /** How many of a run's steps are finished, and how many it has, counted in the database (no rows read). */
    EngineQueries.Progress progress(UUID runId) {
        return jdbc.sql("select count(*) filter (where status = any(cast(:finished as text[]))) as done, count(*) as total from step_runs where run_id = :run")
                .param("finished", FINISHED).param("run", runId)
                .query((rs, n) -> new EngineQueries.Progress(rs.getInt("done"), rs.getInt("total"))).single();
    }

    void save(UUID runId, Collection<StepRow> rows) {
        List<StepRow> dirty = rows.stream().filter(StepRow::changed).toList();
        if (dirty.isEmpty()) {
            return;
        }
        batch.batchUpdate("""
                update step_runs set status = ?, attempt = ?, output = cast(? as jsonb), error = cast(? as jsonb), skip_reason = ?,
                       items = ?, started_at = ?, finished_at = ?
                where run_id = ? and step_id = ?
                """, dirty, dirty.size(), (ps, r) -> bind(ps, runId, r));
        dirty.forEach(StepRow::written);
    }

    /** Binds a row's state (parameters 1-8) and its key (9-10), in the order of both statements above. */
    private void bind(PreparedStatement ps, UUID runId, StepRow r) throws SQLException {
        ps.setString(1, r.status().wire());
        ps.setInt(2, r.attempt());
        ps.setString(3, write(r.output()));
        ps.setString(4, write(r.error()));
        ps.setString(5, r.skipReason());
        ps.setObject(6, r.items());
        ps.setTimestamp(7, ts(r.startedAt()));
        ps.setTimestamp(8, ts(r.finishedAt()));
        ps.setObject(9, runId);
        ps.setString(10, r.stepId);
    }

    /** A for_each step's items: their values, states and outputs, in order. */
    record Item(int idx, StepStatus status, int attempt, JsonNode item, JsonNode output, JsonNode error) {
    }

    void insertItems(UUID runId, String stepId, List<JsonNode> items) {
        batch.batchUpdate("insert into step_items (run_id, step_id, idx, status, item) values (?, ?, ?, 'pending', cast(? as jsonb))",
                java.util.stream.IntStream.range(0, items.size()).boxed().toList(), 500, (ps, i) -> {
                    ps.setObject(1, runId);
                    ps.setString(2, stepId);
                    ps.setInt(3, i);
                    ps.setString(4, write(items.get(i)));
                });
    }

    /** How many items are started but unfinished, and how many have not started. */
    record ItemCounts(long active, long pending) {
    }

    ItemCounts itemCounts(UUID runId, String stepId) {
        return jdbc.sql("""
                select count(*) filter (where status in ('queued', 'running')) as active,
                       count(*) filter (where status = 'pending') as pending
                from step_items where run_id = :run and step_id = :step
                """).param("run", runId).param("step", stepId)
                .query((rs, n) -> new ItemCounts(rs.getLong("active"), rs.getLong("pending"))).single();
    }

    List<Item> pendingItems(UUID runId, String stepId, int limit) {
        return jdbc.sql("select * from step_items where run_id = :run and step_id = :step and status = 'pending' order by idx limit :limit")
                .param("run", runId).param("step", stepId).param("limit", limit)
                .query((rs, n) -> new Item(rs.getInt("idx"), StepStatus.fromWire(rs.getString("status")), rs.getInt("attempt"),
                        read(rs.getString("item")), null, null))
                .list();
    }

    /** The outputs of every item, in order, as one JSON array, built by the database. */
    JsonNode itemOutputs(UUID runId, String stepId) {
        String array = jdbc.sql("""
                select coalesce(jsonb_agg(coalesce(output, 'null'::jsonb) order by idx), '[]'::jsonb)::text
                from step_items where run_id = :run and step_id = :step
                """).param("run", runId).param("step", stepId).query(String.class).single();
        return json.readTree(array);
    }

    void updateItem(UUID runId, String stepId, int idx, StepStatus status, int attempt, JsonNode output, JsonNode error) {
        jdbc.sql("""
                update step_items set status = :status, attempt = :attempt, output = cast(:output as jsonb), error = cast(:error as jsonb)
                where run_id = :run and step_id = :step and idx = :idx
                """).param("status", status.wire()).param("attempt", attempt).param("output", write(output)).param("error", write(error))
                .param("run", runId).param("step", stepId).param("idx", idx).update();
    }

    void deleteItems(UUID runId, String stepId) {
        jdbc.sql("delete from step_items where run_id = :run and step_id = :step").param("run", runId).param("step", stepId).update();
    }

    private String write(JsonNode node) {
        return node == null ? null : json.writeValueAsString(node);
    }

    private JsonNode read(String text) {
        return text == null ? null : json.readTree(text);
    }
}
