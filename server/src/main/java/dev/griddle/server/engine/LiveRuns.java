package dev.griddle.server.engine;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.GriddleProperties;
import java.time.Duration;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The per-organization limits on live (unfinished) runs. Beyond {@code griddle.engine.max-live-runs-per-org}
 * started ones a new run is accepted but deferred: it stays {@code queued}, nothing of it runs,
 * until {@link RunAdmitter} starts it as capacity frees (oldest first; a new run never overtakes a
 * deferred one). Beyond {@code ...-hard} live runs, deferred ones included, a run is refused. Child
 * runs are never deferred (their parent is already admitted, and waiting on a deferred child could
 * deadlock the tree) but count, and are refused, the same way. Counting is bounded by the hard
 * limit and not serialized with other starts, so concurrent starts may overshoot by a few.
 */
@Component
class LiveRuns {

    /** How long a refused caller is told to wait. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final GriddleProperties.Engine engine;
    private final LimitHits hits;

    LiveRuns(JdbcClient jdbc, GriddleProperties props, LimitHits hits) {
        this.jdbc = jdbc;
        this.engine = props.engine();
        this.hits = hits;
    }

    /** The organization's live runs (up to the hard limit), and how many of them are deferred. */
    record Count(long live, long deferred) {
        long started() {
            return live - deferred;
        }
    }

    Count count(UUID orgId) {
        return jdbc.sql("""
                select count(*) as live, count(d.run_id) as deferred
                from (select id from runs where org_id = :org and finished_at is null limit :hard) r
                left join deferred_runs d on d.run_id = r.id
                """).param("org", orgId).param("hard", engine.liveRunsHard(orgId))
                .query((rs, n) -> new Count(rs.getLong("live"), rs.getLong("deferred"))).single();
    }

    /**
     * Whether a new top-level run of the organization must wait (true) or may start now.
     *
     * @throws LiveRunLimitExceeded at the hard limit
     */
    boolean mustWait(UUID orgId) {
        Count count = checkHard(orgId);
        boolean wait = count.deferred() > 0 || count.started() >= engine.liveRunsSoft(orgId);
        if (wait) {
            hits.hit(LimitHits.Limit.LIVE_RUNS_SOFT);
        }
        return wait;
    }

    /** @throws LiveRunLimitExceeded at the hard limit */
    Count checkHard(UUID orgId) {
        Count count = count(orgId);
        int hard = engine.liveRunsHard(orgId);
        if (count.live() >= hard) {
            hits.hit(LimitHits.Limit.LIVE_RUNS_HARD);
            throw new LiveRunLimitExceeded(count.live(), hard, RETRY_AFTER);
        }
        return count;
    }

    /** Inside the run's creating transaction: the run waits for {@link RunAdmitter}. */
    void defer(RunTx run) {
        jdbc.sql("insert into deferred_runs (run_id, org_id, created_at) values (:run, :org, :now)").param("run", run.id())
                .param("org", run.row.orgId()).param("now", ts(run.now)).update();
        run.event("log", null, JsonNodeFactory.instance.objectNode().put("message", "queued: the organization has "
                + engine.liveRunsSoft(run.row.orgId()) + " or more live runs (griddle.engine.max-live-runs-per-org); it starts when one ends"));
    }
}
