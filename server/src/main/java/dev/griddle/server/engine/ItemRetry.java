package dev.griddle.server.engine;

import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A {@code for_each} step started again by a run retry: the items that succeeded keep their
 * outputs and the rest run again, instead of the items being inserted a second time (which broke
 * on their key). Items that no longer match the list (another count) are replaced.
 */
@Component
class ItemRetry {

    private final JdbcClient jdbc;

    ItemRetry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * True when the step already has exactly {@code count} items: those not succeeded are pending
     * again. False when it has none, or other ones, which are then deleted: insert the items anew.
     */
    boolean keepSucceeded(UUID runId, String stepId, int count) {
        long stored = jdbc.sql("select count(*) from step_items where run_id = :run and step_id = :step").param("run", runId).param("step", stepId)
                .query(Long.class).single();
        if (stored == count) {
            jdbc.sql("""
                    update step_items set status = 'pending', attempt = 0, output = null, error = null
                    where run_id = :run and step_id = :step and status <> 'succeeded'
                    """).param("run", runId).param("step", stepId).update();
            return true;
        }
        if (stored > 0) {
            jdbc.sql("delete from step_items where run_id = :run and step_id = :step").param("run", runId).param("step", stepId).update();
        }
        return false;
    }
}
