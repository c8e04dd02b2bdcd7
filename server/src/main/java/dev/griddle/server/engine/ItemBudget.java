package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.runner.InvalidStepArguments;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The memory bounds of {@code for_each}: its output, the list of every item's output, may not
 * exceed {@code griddle.engine.max-step-output}, so that is checked while it is built (rendered
 * transform items, each queued item's output as it comes, the stored outputs before they are
 * aggregated), never after the whole list is in memory. {@code max_parallel} defaults to
 * {@code griddle.engine.default-max-parallel}, so thousands of items are not queued at once.
 */
@Component
class ItemBudget {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final LimitHits hits;
    private final long maxBytes;
    private final int defaultParallel;

    ItemBudget(JdbcClient jdbc, JsonMapper json, LimitHits hits, GriddleProperties props) {
        this.jdbc = jdbc;
        this.json = json;
        this.hits = hits;
        this.maxBytes = props.engine().maxStepOutput().toBytes();
        this.defaultParallel = props.engine().defaultMaxParallel();
    }

    /** How many items run at once: the step's {@code max_parallel}, or the default. */
    int parallel(Integer maxParallel) {
        return maxParallel == null ? defaultParallel : maxParallel;
    }

    /** A running total of rendered item outputs; {@link #add} throws once it is over the limit. */
    Tally tally(int items) {
        return new Tally(items);
    }

    final class Tally {
        private final int items;
        private long bytes;
        private int done;

        private Tally(int items) {
            this.items = items;
        }

        /** @throws InvalidStepArguments (a failure of the step) once the outputs so far are over the limit */
        void add(JsonNode output) {
            bytes += json.writeValueAsBytes(output).length + 1;
            done++;
            if (bytes > maxBytes) {
                hits.hit(LimitHits.Limit.FOR_EACH_BUDGET);
                throw new InvalidStepArguments("for_each: the outputs of the first " + done + " of " + items + " items are " + bytes
                        + " bytes, over the limit of " + maxBytes + " bytes (griddle.engine.max-step-output); stopped rendering");
            }
        }
    }

    /** Why one item's output cannot be kept, or null when it fits. */
    String itemTooLarge(JsonNode output) {
        long bytes = output == null ? 0 : json.writeValueAsBytes(output).length;
        if (bytes <= maxBytes) {
            return null;
        }
        hits.hit(LimitHits.Limit.FOR_EACH_BUDGET);
        return "item output is " + bytes + " bytes, over the limit of " + maxBytes + " bytes (griddle.engine.max-step-output)";
    }

    /** Why the stored item outputs cannot be aggregated into the step's output, or null when they fit; measured by the database. */
    String outputsTooLarge(java.util.UUID runId, String stepId) {
        long bytes = jdbc.sql("""
                select coalesce(sum(octet_length(coalesce(output, 'null'::jsonb)::text) + 1), 0)
                from step_items where run_id = :run and step_id = :step
                """).param("run", runId).param("step", stepId).query(Long.class).single();
        if (bytes <= maxBytes) {
            return null;
        }
        hits.hit(LimitHits.Limit.FOR_EACH_BUDGET);
        return "for_each: the outputs of the items are " + bytes + " bytes, over the limit of " + maxBytes + " bytes (griddle.engine.max-step-output)";
    }
}
