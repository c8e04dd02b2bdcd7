package dev.griddle.server.engine;

import dev.griddle.server.runner.PinnedRunner;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Makes a new run inside the caller's transaction: its row, its steps (pending, stored by the write-back) and
 * {@code run_started}. Shared by top-level starts ({@link RunStarter}) and child runs
 * ({@link ChildRuns}); the caller then advances (or defers) the run and flushes it.
 */
@Component
class RunFactory {

    private final RunStore runs;
    private final RunTransactions transactions;
    private final Clock clock;

    RunFactory(RunStore runs, RunTransactions transactions, Clock clock) {
        this.runs = runs;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** {@code parent} and {@code parentStep} are null for a top-level run. */
    RunTx create(UUID orgId, PinnedRunner runner, JsonNode input, JsonNode overrides, Trigger trigger, UUID parentRunId, String parentStep) {
        transactions.remember(runner);
        UUID id = UUID.randomUUID();
        RunRow row = new RunRow(id, orgId, runner.runnerId(), runner.version(), runner.projectId(), RunStatus.QUEUED, input, null, null,
                overrides, trigger.type(), trigger.id(), parentRunId, parentStep, null, BigDecimal.ZERO, 0, 0, 0, clock.instant(), null, null);
        runs.insert(row);
        RunTx run = transactions.openNew(row, runner);
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("runner_id", runner.runnerId().toString()).put("version", runner.version());
        data.putObject("trigger").put("type", trigger.type()).put("id", trigger.id() == null ? null : trigger.id().toString());
        if (parentRunId != null) {
            data.put("parent_run_id", parentRunId.toString()).put("parent_step_id", parentStep);
        }
        run.event("run_started", null, data);
        return run;
    }
}
