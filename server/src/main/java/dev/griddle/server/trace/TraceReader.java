package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;

import dev.griddle.server.engine.EventLog.Event;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStatus;
import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.runner.StepSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what a trace is built from (the run row, its events, its step rows and the pinned runner
 * version) and builds the span trees, one run or a batch of runs at a time.
 */
@Component
public class TraceReader {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RunnerCatalog catalog;
    /** Runner versions are immutable: their step types are cached for good. */
    private final Map<String, Optional<PinnedRunner>> versions = new ConcurrentHashMap<>();

    TraceReader(JdbcClient jdbc, JsonMapper json, RunnerCatalog catalog) {
        this.jdbc = jdbc;
        this.json = json;
        this.catalog = catalog;
    }

    /** The span tree of one run (the console's trace waterfall reads it too). */
    public List<Span> spans(RunRow run) {
        return spans(List.of(run)).get(run.id());
    }

    /** The span trees of these runs, keyed by run id, read with one query per table. */
    Map<UUID, List<Span>> spans(List<RunRow> runs) {
        if (runs.isEmpty()) {
            return Map.of();
        }
        UUID[] ids = runs.stream().map(RunRow::id).toArray(UUID[]::new);
        Map<UUID, List<Event>> events = new HashMap<>();
        jdbc.sql("select run_id, seq, type, step_id, data, created_at from events where run_id = any(:ids) order by run_id, seq")
                .param("ids", ids)
                .query((rs, n) -> new Event(rs.getLong("seq"), rs.getObject("run_id", UUID.class), rs.getLong("seq"), rs.getString("type"),
                        rs.getString("step_id"), json.readTree(rs.getString("data")), instant(rs.getTimestamp("created_at"))))
                .list().forEach(e -> events.computeIfAbsent(e.runId(), k -> new ArrayList<>()).add(e));
        Map<UUID, Map<String, Instant>> starts = new HashMap<>();
        jdbc.sql("select run_id, step_id, started_at from step_runs where run_id = any(:ids) and started_at is not null")
                .param("ids", ids)
                .query((rs, n) -> {
                    starts.computeIfAbsent(rs.getObject("run_id", UUID.class), k -> new HashMap<>())
                            .put(rs.getString("step_id"), instant(rs.getTimestamp("started_at")));
                    return null;
                }).list();
        Map<UUID, List<Span>> trees = new LinkedHashMap<>();
        for (RunRow run : runs) {
            Optional<PinnedRunner> version = version(run);
            Map<String, String> types = version.map(v -> v.spec().steps().stream()
                    .collect(Collectors.toMap(StepSpec::id, s -> s.type() == null ? "unknown" : s.type(), (a, b) -> a))).orElse(Map.of());
            trees.put(run.id(), TraceBuilder.build(run, version.map(PinnedRunner::name).orElse(null), events.getOrDefault(run.id(), List.of()),
                    types, starts.getOrDefault(run.id(), Map.of())));
        }
        return trees;
    }

    private Optional<PinnedRunner> version(RunRow run) {
        String key = run.orgId() + "/" + run.runnerId() + "/" + run.runnerVersion();
        Optional<PinnedRunner> cached = versions.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<PinnedRunner> loaded = catalog.version(run.orgId(), run.runnerId(), run.runnerVersion());
        if (loaded.isPresent()) {
            versions.put(key, loaded);
        }
        return loaded;
    }

    /** Maps a {@code select * from runs} row. */
    RunRow run(ResultSet rs, int n) throws SQLException {
        return new RunRow(rs.getObject("id", UUID.class), rs.getObject("org_id", UUID.class), rs.getObject("runner_id", UUID.class),
                rs.getInt("runner_version"), rs.getObject("project_id", UUID.class), RunStatus.fromWire(rs.getString("status")),
                null, null, read(rs.getString("error")), null, rs.getString("trigger_type"), rs.getObject("trigger_id", UUID.class),
                rs.getObject("parent_run_id", UUID.class), rs.getString("parent_step_id"), rs.getString("cancel_mode"), rs.getBigDecimal("cost_usd"),
                rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("event_seq"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")));
    }

    private tools.jackson.databind.JsonNode read(String text) {
        return text == null ? null : json.readTree(text);
    }
}
