package dev.griddle.server.engine;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.RunnerCatalog;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts runs. One transaction: pin the runner version, insert the run and a pending row per step,
 * append {@code run_started}, and let the Decider act on the root steps.
 */
@Component
public class RunStarter {

    /** What the caller asks for: input, an optional version, optional per-step {@code with} overrides. */
    public record StartRequest(JsonNode input, Integer version, JsonNode stepOverrides) {
    }

    private final RunnerCatalog catalog;
    private final RunStore runs;
    private final StepRunStore stepRuns;
    private final RunTransactions transactions;
    private final Advancer advancer;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final LiveRuns liveRuns;

    RunStarter(RunnerCatalog catalog, RunStore runs, StepRunStore stepRuns, RunTransactions transactions, Advancer advancer,
            TransactionTemplate tx, Clock clock, LiveRuns liveRuns) {
        this.liveRuns = liveRuns;
        this.catalog = catalog;
        this.runs = runs;
        this.stepRuns = stepRuns;
        this.transactions = transactions;
        this.advancer = advancer;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Starts a run of a runner within {@code scope} (the starting key's projects; {@link ProjectScope#ALL}
     * for the runner's own triggers). A runner outside the scope is a 404 before anything is
     * written: no run, and no publish of its draft.
     *
     * @throws dev.griddle.server.Refusal the catalog's 404 (unknown or invisible runner or version) or 422 (invalid draft or input)
     * @throws InvalidStart bad {@code step_overrides}
     * @throws LiveRunLimitExceeded the organization is at {@code griddle.engine.max-live-runs-per-org-hard}
     */
    public RunRow start(UUID orgId, UUID runnerId, StartRequest request, Trigger trigger, ProjectScope scope) {
        return tx.execute(status -> {
            PinnedRunner runner = catalog.pinForRun(orgId, runnerId, request.version(), scope);
            JsonNode input = request.input() == null || request.input().isNull() ? JsonNodeFactory.instance.objectNode() : request.input();
            catalog.validateInput(runner, input);
            checkOverrides(runner, request.stepOverrides());
            boolean waits = liveRuns.mustWait(orgId);
            UUID id = create(orgId, runner, input, request.stepOverrides(), trigger, null, null, waits);
            return runs.find(orgId, id).orElseThrow();
        });
    }

    /**
     * Inside the caller's transaction: a child run of {@code parent}'s step. The reference rule: the
     * child runner must be in the parent run's project (any runner of the organization when the
     * parent has none); another is a 404, as if it did not exist.
     */
    UUID startChild(RunTx parent, String parentStep, UUID runnerId, Integer version, JsonNode input) {
        PinnedRunner runner = catalog.pinForRun(parent.row.orgId(), runnerId, version, ProjectScope.ofOwner(parent.row.projectId()));
        JsonNode in = input == null || input.isNull() ? JsonNodeFactory.instance.objectNode() : input;
        catalog.validateInput(runner, in);
        liveRuns.checkHard(parent.row.orgId());
        return create(parent.row.orgId(), runner, in, null, new Trigger("runner", parent.id()), parent.id(), parentStep, false);
    }

    /** {@code waits}: over the soft live-run limit, the run is created but left for {@link RunAdmitter} to start. */
    private UUID create(UUID orgId, PinnedRunner runner, JsonNode input, JsonNode overrides, Trigger trigger, UUID parentRunId,
            String parentStep, boolean waits) {
        transactions.remember(runner);
        UUID id = UUID.randomUUID();
        RunRow row = new RunRow(id, orgId, runner.runnerId(), runner.version(), runner.projectId(), RunStatus.QUEUED, input, null, null,
                overrides, trigger.type(), trigger.id(), parentRunId, parentStep, null, java.math.BigDecimal.ZERO, 0, 0, 0,
                clock.instant(), null, null);
        runs.insert(row);
        stepRuns.insertPending(id, runner.spec().steps().stream().map(s -> s.id()).toList());
        RunTx run = transactions.open(row);
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("runner_id", runner.runnerId().toString()).put("version", runner.version());
        data.putObject("trigger").put("type", trigger.type()).put("id", trigger.id() == null ? null : trigger.id().toString());
        if (parentRunId != null) {
            data.put("parent_run_id", parentRunId.toString()).put("parent_step_id", parentStep);
        }
        run.event("run_started", null, data);
        if (waits) {
            liveRuns.defer(run);
        } else {
            advancer.advance(run);
        }
        transactions.flush(run);
        return id;
    }

    private static void checkOverrides(PinnedRunner runner, JsonNode overrides) {
        if (overrides == null || overrides.isNull()) {
            return;
        }
        if (!overrides.isObject()) {
            throw new InvalidStart("step_overrides", "must be an object keyed by step id");
        }
        var ids = runner.spec().steps().stream().map(s -> s.id()).toList();
        for (Map.Entry<String, JsonNode> e : overrides.properties()) {
            if (!ids.contains(e.getKey())) {
                throw new InvalidStart("step_overrides." + e.getKey(), "no step '" + e.getKey() + "' in version " + runner.version());
            }
            if (!e.getValue().isObject() || !e.getValue().path("with").isObject()) {
                throw new InvalidStart("step_overrides." + e.getKey(), "must be {\"with\": {...}}");
            }
        }
    }
}
