package dev.griddle.server.experiment;

import dev.griddle.server.lifecycle.BackgroundLoop;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Advances live experiments, on every node ({@code griddle.experiments.enabled}): each pass leases
 * the experiments no other node holds (one statement, {@code SKIP LOCKED}), and for each one ends
 * the cases whose runs have ended, starts pending cases up to its {@code max_parallel} while its
 * {@code max_cost_usd} allows, and completes it when no case is left. All progress is in the
 * database, so an experiment goes on after a restart or on another node once the lease expires.
 */
@Component
class ExperimentLoop extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(ExperimentLoop.class);
    private static final int BATCH = 8;

    private final ExperimentStore store;
    private final CaseRuns cases;
    private final GateOutcomes gates;
    private final Clock clock;
    private final ExperimentProperties props;
    private final UUID node = UUID.randomUUID();

    ExperimentLoop(ExperimentStore store, CaseRuns cases, GateOutcomes gates, Clock clock, ExperimentProperties props) {
        super("experiments");
        this.store = store;
        this.cases = cases;
        this.gates = gates;
        this.clock = clock;
        this.props = props;
    }

    @Override
    protected boolean enabled() {
        return props.enabled();
    }

    @Override
    protected Duration errorBackoff() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration pass() throws InterruptedException {
        Instant now = clock.instant();
        List<UUID> leased = store.claim(node, now, now.plus(props.lease()), BATCH);
        for (UUID id : leased) {
            if (!running()) {
                break;
            }
            try {
                advance(id);
            } catch (RuntimeException e) {
                log.error("Experiment {}: a pass failed; the next one tries again", id, e);
            } finally {
                store.release(id, node);
            }
        }
        return leased.isEmpty() ? props.pollInterval().multipliedBy(4) : props.pollInterval();
    }

    /** One step of one leased experiment. */
    void advance(UUID id) throws InterruptedException {
        ExperimentStore.Experiment e = store.byId(id).orElse(null);
        if (e == null || e.terminal()) {
            return;
        }
        store.markRunning(id, clock.instant());
        try {
            cases.checks(e);
        } catch (IllegalStateException broken) {
            store.finish(id, "failed", broken.getMessage(), clock.instant());
            return;
        }
        List<ExperimentStore.ExpCase> all = store.cases(id);
        int live = 0;
        for (ExperimentStore.ExpCase c : all) {
            if (c.status().equals("running") && !cases.finishIfDone(e, c)) {
                live++;
            }
        }
        boolean overBudget = e.maxCostUsd() != null && store.spent(e.orgId(), id).compareTo(e.maxCostUsd()) >= 0;
        List<ExperimentStore.ExpCase> pending = store.cases(id).stream().filter(c -> c.status().equals("pending")).toList();
        if (!overBudget) {
            for (ExperimentStore.ExpCase c : pending) {
                if (live >= e.maxParallel()) {
                    break;
                }
                if (!cases.start(e, c)) {
                    break; // the organization is at its live-run limit: try again next pass
                }
                live++;
            }
        }
        if (live > 0) {
            return;
        }
        List<ExperimentStore.ExpCase> left = store.cases(id).stream().filter(c -> c.status().equals("pending")).toList();
        if (!left.isEmpty() && !overBudget) {
            return;
        }
        Instant now = clock.instant();
        if (!left.isEmpty()) {
            BigDecimal spent = store.spent(e.orgId(), id);
            left.forEach(c -> store.caseEnded(id, c.caseId(), "skipped"));
            store.finish(id, "failed", "max_cost_usd " + e.maxCostUsd().toPlainString() + " reached (spent " + spent.toPlainString() + ") with "
                    + left.size() + " of " + all.size() + " cases not run", now);
            log.info("Experiment {} failed: over its max_cost_usd {}", id, e.maxCostUsd());
            return;
        }
        if (store.finish(id, "completed", null, now)) {
            Summary summary = Summary.of(store.cases(id));
            log.info("Experiment {} completed: {} cases, pass_rate {}, baseline_pass_rate {}", id, summary.cases(), summary.passRate(),
                    summary.baselinePassRate());
            gates.completed(e, summary);
        }
    }
}
