package dev.griddle.server.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * {@code griddle.engine.limit.hits{limit}}: how often each engine bound refused or held back work.
 * The tag takes only the names of {@link Limit}, so its cardinality is fixed.
 */
@Component
class LimitHits {

    /** The bounds of docs/runs.md ("Limits"), by the setting that sets them. */
    enum Limit {
        MAX_CHILD_DEPTH("max-child-depth"),
        INTERNAL_TASK_ATTEMPTS("internal-task-attempts"),
        STEP_TIMEOUT("step-timeout"),
        ORG_CONCURRENCY("org-concurrency"),
        LIVE_RUNS_SOFT("max-live-runs-per-org"),
        LIVE_RUNS_HARD("max-live-runs-per-org-hard"),
        FOR_EACH_BUDGET("for-each-budget");

        final String tag;

        Limit(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry meters;
    private final Map<Limit, Counter> counters = new ConcurrentHashMap<>();

    LimitHits(MeterRegistry meters) {
        this.meters = meters;
    }

    void hit(Limit limit) {
        counters.computeIfAbsent(limit, l -> Counter.builder("griddle.engine.limit.hits").tag("limit", l.tag)
                .description("Work an engine limit refused, failed or held back").register(meters)).increment();
    }
}
