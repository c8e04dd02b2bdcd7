package dev.griddle.server.engine;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.runner.PinnedRunner;
import dev.griddle.server.runner.RunnerCatalog;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Starts top-level runs. Input is checked against the version's {@code input_schema} first, outside
 * any transaction; then one transaction: pin the runner version, check overrides, make the run
 * ({@link RunFactory}), and let the Decider act on the root steps (or defer the run, over the
 * organization's soft live-run limit).
 */
@Component
public class RunStarter {

    /** What the caller asks for: input, an optional version, optional per-step {@code with} overrides. */
    public record StartRequest(JsonNode input, Integer version, JsonNode stepOverrides) {
    }

    private final RunnerCatalog catalog;
    private final RunFactory factory;
    private final RunReader runs;
    private final RunTransactions transactions;
    private final Advancer advancer;
    private final TransactionTemplate tx;
    private final LiveRuns liveRuns;

    RunStarter(RunnerCatalog catalog, RunFactory factory, RunReader runs, RunTransactions transactions, Advancer advancer, TransactionTemplate tx,
            LiveRuns liveRuns) {
        this.catalog = catalog;
        this.factory = factory;
        this.runs = runs;
        this.transactions = transactions;
        this.advancer = advancer;
        this.tx = tx;
        this.liveRuns = liveRuns;
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
        return start(orgId, runnerId, request, trigger, scope, id -> { });
    }

    /**
     * {@link #start}, with {@code made} called in the start's transaction once the run's row exists and
     * before any of its steps starts: a replay (issue #18) writes what its steps must know about it there.
     */
    public RunRow start(UUID orgId, UUID runnerId, StartRequest request, Trigger trigger, ProjectScope scope, Consumer<UUID> made) {
        JsonNode input = request.input() == null || request.input().isNull() ? JsonNodeFactory.instance.objectNode() : request.input();
        // input is checked before the transaction opens, so checking it never holds a connection; only when the
        // draft must be published first (or the pin moved meanwhile) is it checked inside, against the new version
        Optional<PinnedRunner> checked = catalog.pinnedWithoutPublishing(orgId, runnerId, request.version(), scope);
        checked.ifPresent(runner -> catalog.validateInput(runner, input));
        return tx.execute(status -> {
            PinnedRunner runner = catalog.pinForRun(orgId, runnerId, request.version(), scope);
            if (checked.filter(c -> c.version() == runner.version()).isEmpty()) {
                catalog.validateInput(runner, input);
            }
            checkOverrides(runner, request.stepOverrides());
            boolean waits = liveRuns.mustWait(orgId);
            RunTx run = factory.create(orgId, runner, input, request.stepOverrides(), trigger, null, null);
            made.accept(run.id());
            if (waits) {
                liveRuns.defer(run);
            } else {
                advancer.advance(run);
            }
            transactions.flush(run);
            return runs.find(orgId, run.id()).orElseThrow();
        });
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
