package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The background job behind analytics and metrics. Every {@code griddle.traces.job-interval} it
 * takes the runs that finished after its durable cursor (and at least {@code lag} ago), builds
 * their span trees, adds them to the hourly rollups and moves the cursor, in one transaction;
 * after the commit it feeds the run, step and model counters. It also counts started runs and
 * samples the task queue for the gauges. Nothing here runs on the engine's path.
 */
@Component
class RollupJob {

    private static final Logger log = LoggerFactory.getLogger(RollupJob.class);
    static final String ROLLUP = "rollup";
    static final String STARTED = "runs_started";
    private static final int MAX_BATCHES_PER_TICK = 50;

    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final TraceCursors cursors;
    private final TraceReader reader;
    private final RollupStore rollups;
    private final TraceMetrics metrics;
    private final TraceProperties props;
    private final Clock clock;
    private volatile long lastRollup;
    private volatile long lastGauge;
    private volatile boolean startedCursorReady;

    RollupJob(TransactionTemplate tx, JdbcClient jdbc, TraceCursors cursors, TraceReader reader, RollupStore rollups, TraceMetrics metrics,
            TraceProperties props, Clock clock) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.cursors = cursors;
        this.reader = reader;
        this.rollups = rollups;
        this.metrics = metrics;
        this.props = props;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = 100)
    void tick() {
        long now = System.nanoTime();
        try {
            if (now - lastRollup >= props.jobInterval().toNanos()) {
                lastRollup = now;
                countStarted();
                for (int i = 0; i < MAX_BATCHES_PER_TICK && rollUpBatch() == props.batchSize(); i++) {
                    // a full batch: more may be waiting
                }
            }
            if (now - lastGauge >= props.queueGaugeInterval().toNanos()) {
                lastGauge = now;
                sampleQueue();
            }
        } catch (RuntimeException e) {
            log.warn("Trace rollup failed ({}); retrying on the next tick", e.toString());
        }
    }

    /** Rolls up one batch of finished runs; returns how many runs it handled. */
    int rollUpBatch() {
        Instant upTo = clock.instant().minus(props.lag());
        List<String> statuses = new ArrayList<>();
        List<Usage.StepSample> steps = new ArrayList<>();
        List<Usage.ModelSample> models = new ArrayList<>();
        Integer handled = tx.execute(status -> {
            Optional<TraceCursors.Position> position = cursors.lock(ROLLUP);
            if (position.isEmpty()) {
                return 0;
            }
            List<RunRow> batch = cursors.finishedAfter(position.get(), upTo, props.batchSize());
            if (batch.isEmpty()) {
                return 0;
            }
            Map<UUID, List<Span>> trees = reader.spans(batch);
            Usage usage = new Usage();
            for (RunRow run : batch) {
                usage.add(run, trees.get(run.id()), steps, models);
                statuses.add(run.status().wire());
            }
            rollups.add(usage);
            RunRow last = batch.getLast();
            cursors.save(ROLLUP, new TraceCursors.Position(last.finishedAt(), last.id()));
            return batch.size();
        });
        metrics.recorded(statuses, steps, models);
        return handled == null ? 0 : handled;
    }

    /** Counts the runs created since the last count (by creation time, {@code lag} behind). */
    private void countStarted() {
        if (!startedCursorReady) {
            cursors.ensure(STARTED, clock.instant().minus(props.lag()));
            startedCursorReady = true;
        }
        Instant upTo = clock.instant().minus(props.lag());
        Long counted = tx.execute(status -> {
            Optional<TraceCursors.Position> position = cursors.lock(STARTED);
            if (position.isEmpty() || !upTo.isAfter(position.get().at())) {
                return 0L;
            }
            long n = jdbc.sql("select count(*) from runs where created_at > :from and created_at <= :to")
                    .param("from", dev.griddle.server.store.Sql.ts(position.get().at())).param("to", dev.griddle.server.store.Sql.ts(upTo))
                    .query(Long.class).single();
            cursors.save(STARTED, new TraceCursors.Position(upTo, TraceCursors.ZERO));
            return n;
        });
        if (counted != null && counted > 0) {
            metrics.runsStarted(counted);
        }
    }

    /** Queue depth and the age of the oldest ready task; one indexed query per interval, not per scrape. */
    private void sampleQueue() {
        Instant now = clock.instant();
        jdbc.sql("""
                select count(*) as ready, min(ready_at) as oldest from tasks
                where lease_owner is null and not held and ready_at <= :now
                """).param("now", dev.griddle.server.store.Sql.ts(now))
                .query((rs, n) -> {
                    metrics.readyTasks.set(rs.getLong("ready"));
                    java.sql.Timestamp oldest = rs.getTimestamp("oldest");
                    metrics.oldestReadyAgeMillis.set(oldest == null ? 0 : Math.max(0, now.toEpochMilli() - oldest.getTime()));
                    return null;
                }).list();
    }
}
