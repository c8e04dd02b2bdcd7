package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;

import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The trace list: runs and chat-thread turns, newest first. {@code run_id} and {@code runner_id}
 * select runs only, {@code thread_id} turns only, {@code agent_id} the agent's turns (no run belongs
 * to an agent yet); without them both kinds are merged by start time. A {@code status} only runs
 * have (queued, waiting, ...) leaves turns out.
 */
@Component
class TraceList {

    /** A trace's place in the list; ties on the start time are broken by id, as PostgreSQL orders uuids. */
    private record Key(UUID id, Instant startedAt, boolean turn) {
        static final Comparator<Key> NEWEST_FIRST = Comparator.comparing(Key::startedAt).reversed().thenComparing(k -> k.id().toString());
    }

    private final RunReader runs;
    private final TurnTraces turns;
    private final TraceReader reader;
    private final JdbcClient jdbc;

    TraceList(RunReader runs, TurnTraces turns, TraceReader reader, JdbcClient jdbc) {
        this.runs = runs;
        this.turns = turns;
        this.reader = reader;
        this.jdbc = jdbc;
    }

    PageQuery.Paged<TraceView> list(Caller caller, PageQuery page, UUID run, UUID runner, UUID agent, UUID thread, String status) {
        UUID[] projects = caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new);
        List<String> answerStatuses = status == null ? null : TurnTraceBuilder.answerStatuses(status);
        boolean withRuns = agent == null && thread == null;
        boolean withTurns = run == null && runner == null && (answerStatuses == null || !answerStatuses.isEmpty());
        TurnTraces.Filter turnFilter = new TurnTraces.Filter(thread, agent, answerStatuses, projects);
        if (withRuns && run != null) {
            List<TraceView> one = runs.find(caller.orgId(), run).filter(r -> caller.sees(r.projectId()))
                    .filter(r -> runner == null || r.runnerId().equals(runner)).filter(r -> status == null || r.status().wire().equals(status))
                    .map(r -> TraceView.of(r, null)).stream().toList();
            return page.result(page.offset() == 0 ? one : List.of(), one.size());
        }
        RunReader.RunFilter runFilter = new RunReader.RunFilter(runner, status, null, null, null, projects);
        if (withRuns && !withTurns) {
            return page.result(runs.list(caller.orgId(), runFilter, page.perPage(), page.offset()).stream().map(r -> TraceView.of(r, null)).toList(),
                    runs.count(caller.orgId(), runFilter));
        }
        if (!withRuns && !withTurns) {
            return page.result(List.of(), 0);
        }
        if (!withRuns) {
            List<Key> keys = turns.keys(caller.orgId(), turnFilter, page.perPage(), page.offset()).stream()
                    .map(k -> new Key(k.id(), k.createdAt(), true)).toList();
            return page.result(load(caller.orgId(), keys), turns.count(caller.orgId(), turnFilter));
        }
        // both kinds: the first offset + per_page of each, merged; a deep page costs its offset, as an SQL offset does
        int need = Math.toIntExact(page.offset() + page.perPage()); // at most PageQuery.MAX_DEPTH
        List<Key> merged = new ArrayList<>(runKeys(caller.orgId(), status, projects, need));
        turns.keys(caller.orgId(), turnFilter, need, 0).forEach(k -> merged.add(new Key(k.id(), k.createdAt(), true)));
        merged.sort(Key.NEWEST_FIRST);
        List<Key> slice = merged.subList((int) Math.min(page.offset(), merged.size()), Math.min(need, merged.size()));
        return page.result(load(caller.orgId(), slice), runs.count(caller.orgId(), runFilter) + turns.count(caller.orgId(), turnFilter));
    }

    private List<Key> runKeys(UUID orgId, String status, UUID[] projects, int limit) {
        return jdbc.sql("""
                select id, created_at from runs
                where org_id = :org and (cast(:status as text) is null or status = :status)
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                order by created_at desc, id limit :limit
                """).param("org", orgId).param("status", status).param("projects", projects).param("limit", limit)
                .query((rs, n) -> new Key(rs.getObject("id", UUID.class), instant(rs.getTimestamp("created_at")), false)).list();
    }

    /** The listed traces of these keys, in their order. */
    private List<TraceView> load(UUID orgId, List<Key> keys) {
        Map<UUID, TraceView> views = new HashMap<>();
        UUID[] runIds = keys.stream().filter(k -> !k.turn()).map(Key::id).toArray(UUID[]::new);
        if (runIds.length > 0) {
            jdbc.sql("select * from runs where org_id = :org and id = any(:ids)").param("org", orgId).param("ids", runIds).query(reader::run).list()
                    .forEach(r -> views.put(r.id(), TraceView.of(r, null)));
        }
        turns.list(orgId, keys.stream().filter(Key::turn).map(Key::id).toList()).forEach(t -> views.put(t.id(), TraceView.of(t)));
        return keys.stream().map(k -> views.get(k.id())).filter(v -> v != null).toList();
    }
}
