package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.runner.InvalidStepArguments;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The depth cap of child runs ({@code griddle.engine.max-child-depth}): a top-level run is at
 * depth 0, its children at 1. A {@code runner} step whose child would go deeper fails instead of
 * starting it. This stops recursion that no publish check can see (a templated {@code runner_id})
 * and bounds a runner tree that forks: at most {@code fan-out^depth} runs.
 */
@Component
class ChildDepth {

    private final JdbcClient jdbc;
    private final int max;
    private final LimitHits hits;

    ChildDepth(JdbcClient jdbc, GriddleProperties props, LimitHits hits) {
        this.jdbc = jdbc;
        this.max = props.engine().maxChildDepth();
        this.hits = hits;
    }

    /** @throws InvalidStepArguments when a child of {@code parent} would be deeper than the cap (a failure of the step) */
    void checkChildOf(RunTx parent) {
        int depth = (parent.row.parentRunId() == null ? 0 : ancestors(parent.id())) + 1;
        if (depth > max) {
            hits.hit(LimitHits.Limit.MAX_CHILD_DEPTH);
            throw new InvalidStepArguments("runner: a child run here would be at depth " + depth + ", over the limit of " + max
                    + " (griddle.engine.max-child-depth); does the runner run itself through a templated runner_id?");
        }
    }

    /** How many ancestors the run has, counted up to one past the cap. */
    private int ancestors(UUID runId) {
        return jdbc.sql("""
                with recursive chain(parent, depth) as (
                    select parent_run_id, 0 from runs where id = :run
                    union all
                    select r.parent_run_id, c.depth + 1 from runs r join chain c on r.id = c.parent where c.depth <= :max
                )
                select max(depth) from chain where parent is null or depth > :max
                """).param("run", runId).param("max", max).query(Integer.class).optional().orElse(max + 1);
    }
}
