package dev.griddle.server.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.griddle.server.GriddleProperties;
import dev.griddle.server.runner.PinnedRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import dev.griddle.server.runner.RunnerCatalog;
import java.time.Clock;
import java.util.List;
import dev.griddle.server.runner.StepSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Opens a transaction on one run: locks its row, loads its steps, hands a {@link RunTx} to the
 * work, then writes steps, events and the run back in the same transaction.
 */
@Component
class RunTransactions {

    private final TransactionTemplate tx;
    private final RunStore runs;
    private final StepRunStore stepRuns;
    private final EventLog events;
    private final RunnerCatalog catalog;
    private final Wakeups wakeups;
    private final Clock clock;
    /**
     * Pinned versions by {@code runnerId@version}. Versions are immutable, so any of them may be
     * evicted and loaded again; the cache is bounded by the specs' JSON size
     * ({@code griddle.engine.version-cache}), not by count, since one spec may be megabytes.
     */
    private final Cache<String, PinnedRunner> versions;

    RunTransactions(TransactionTemplate tx, RunStore runs, StepRunStore stepRuns, EventLog events, RunnerCatalog catalog, Wakeups wakeups,
            Clock clock, JsonMapper json, GriddleProperties props, MeterRegistry meters) {
        // maintenance (eviction) on the calling thread: the bound holds when put returns, not once a pool thread gets to it
        this.versions = Caffeine.newBuilder().maximumWeight(props.engine().versionCache().toBytes()).recordStats().executor(Runnable::run)
                .weigher((String key, PinnedRunner runner) -> json.writeValueAsBytes(runner.spec()).length + key.length()).build();
        CaffeineCacheMetrics.monitor(meters, versions, "pinned_versions");
        this.tx = tx;
        this.runs = runs;
        this.stepRuns = stepRuns;
        this.events = events;
        this.catalog = catalog;
        this.wakeups = wakeups;
        this.clock = clock;
    }

    /** Runs {@code work} on the locked run; an unknown run id yields null without calling it. */
    <T> T inRun(UUID runId, Function<RunTx, T> work) {
        return inRun(runId, false, work);
    }

    /**
     * {@code relaxed}: the transaction commits without waiting for its WAL flush. Only for changes
     * whose loss in a database crash is harmless because the work is redone anyway (a step marked
     * started: the task's lease would be lost with it and the attempt re-runs). Results, starts and
     * commands always commit synchronously.
     */
    <T> T inRun(UUID runId, boolean relaxed, Function<RunTx, T> work) {
        return tx.execute(status -> {
            if (relaxed) {
                runs.relaxCommit();
            }
            RunRow row = runs.lock(runId).orElse(null);
            if (row == null) {
                return null;
            }
            RunTx run = open(row);
            T result = work.apply(run);
            flush(run);
            return result;
        });
    }

    /** A RunTx over a row this transaction already holds (just inserted, or locked). */
    RunTx open(RunRow row) {
        return new RunTx(row, pinned(row), stepRuns.load(row.id()), clock.instant());
    }

    /**
     * A RunTx over a run this transaction just inserted: its steps start pending in memory and the
     * write-back inserts them in whatever state they reached (one statement, no update after it).
     */
    RunTx openNew(RunRow row, PinnedRunner runner) {
        Map<String, StepRow> steps = new LinkedHashMap<>();
        for (StepSpec spec : runner.spec().steps()) {
            steps.put(spec.id(), StepRow.pending(spec.id()));
        }
        RunTx run = new RunTx(row, runner, steps, clock.instant());
        run.created();
        return run;
    }

    void flush(RunTx run) {
        if (run.takeStepsUnstored()) {
            stepRuns.insert(run.id(), run.steps.values());
        } else {
            stepRuns.save(run.id(), run.steps.values());
        }
        List<EventLog.Event> appended = run.takeEvents();
        boolean spent = run.takeSpent();
        if (!appended.isEmpty()) {
            events.insert(run.row.orgId(), appended);
            runs.save(run);
            wakeups.eventsAppended(run.id());
        } else if (spent) {
            runs.save(run); // issue #5: usage totals changed without an event
        }
        if (run.takeTasksQueued()) {
            wakeups.tasksEnqueued();
        }
    }

    PinnedRunner pinned(RunRow row) {
        return versions.get(row.runnerId() + "@" + row.runnerVersion(), key -> catalog.version(row.orgId(), row.runnerId(), row.runnerVersion())
                .orElseThrow(() -> new IllegalStateException("run " + row.id() + " is pinned to runner " + row.runnerId() + " version "
                        + row.runnerVersion() + ", which no longer exists")));
    }

    void remember(PinnedRunner runner) {
        versions.get(runner.runnerId() + "@" + runner.version(), key -> runner); // weighed only when it is new
    }
}
