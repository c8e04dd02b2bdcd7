package dev.griddle.server.experiment;

import dev.griddle.server.Refusal;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.LiveRunLimitExceeded;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.replay.CaseRecordings;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runs of one experiment case: starting them ({@code trigger.type experiment}, {@code trigger.id}
 * the experiment; in replay mode answered from the case's recording copy), and, once they have
 * ended, evaluating what they gave against the case's baseline.
 */
@Component
class CaseRuns {

    private static final Logger log = LoggerFactory.getLogger(CaseRuns.class);

    private final ExperimentStore store;
    private final RunStarter starter;
    private final RunReader runs;
    private final CaseRecordings recordings;
    private final EvaluatorParser parser;
    private final EvaluatorRunner evaluators;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    CaseRuns(ExperimentStore store, RunStarter starter, RunReader runs, CaseRecordings recordings, EvaluatorParser parser, EvaluatorRunner evaluators,
            TransactionTemplate tx, JsonMapper json) {
        this.store = store;
        this.starter = starter;
        this.runs = runs;
        this.recordings = recordings;
        this.parser = parser;
        this.evaluators = evaluators;
        this.tx = tx;
        this.json = json;
    }

    /**
     * Starts the case's run (and its baseline run when it has no expected output and the experiment
     * names a baseline version), under the experiment's row lock so a cancel in between is seen.
     * Returns false when the organization is at its live-run limit (the case stays pending).
     */
    boolean start(ExperimentStore.Experiment e, ExperimentStore.ExpCase c) throws InterruptedException {
        try {
            tx.executeWithoutResult(status -> {
                if (store.lock(e.id()).map(ExperimentStore.Experiment::terminal).orElse(true)) {
                    return;
                }
                UUID run = startRun(e, c, e.version(), e.mode().equals("replay"));
                UUID baseline = c.expected() == null && e.baselineVersion() != null ? startRun(e, c, e.baselineVersion(), e.mode().equals("replay")) : null;
                store.caseStarted(e.id(), c.caseId(), run, baseline);
            });
            return true;
        } catch (LiveRunLimitExceeded full) {
            return false;
        } catch (Refusal refused) {
            // the case's input is not valid for the version (input_schema), or the version is gone: the case fails, the experiment goes on
            log.info("Experiment {}: case {} not started: {}", e.id(), c.caseId(), refused.getMessage());
            List<Evaluator> checks = checks(e);
            JsonNode failed = json.valueToTree(checks.stream().map(x -> new Evaluator.Result(x.name(), false, 0, "the run was not started: "
                    + refused.getMessage())).toList());
            tx.executeWithoutResult(status -> {
                store.caseStarted(e.id(), c.caseId(), null, null);
                store.caseFinished(e.id(), c.caseId(), new ExperimentStore.Finished("rejected", null, c.expected(), null, failed, null, false, null,
                        BigDecimal.ZERO, null, 0L, c.baselineCostUsd(), c.baselineDurationMs(), c.baselineTokens(), BigDecimal.ZERO));
            });
            return true;
        }
    }

    private UUID startRun(ExperimentStore.Experiment e, ExperimentStore.ExpCase c, int version, boolean replay) {
        RunRow run = starter.start(e.orgId(), e.runnerId(), new RunStarter.StartRequest(c.input(), version, null), new Trigger("experiment", e.id()),
                ProjectScope.ALL);
        if (replay) {
            recordings.replayFromCase(run.id(), c.caseId());
        }
        return run.id();
    }

    /** Evaluates a running case whose runs have all ended; false while one is still going. */
    boolean finishIfDone(ExperimentStore.Experiment e, ExperimentStore.ExpCase c) throws InterruptedException {
        Optional<RunRow> run = c.runId() == null ? Optional.empty() : runs.find(e.orgId(), c.runId());
        Optional<RunRow> baselineRun = c.baselineRunId() == null ? Optional.empty() : runs.find(e.orgId(), c.baselineRunId());
        if (run.map(r -> !r.status().terminal()).orElse(false) || baselineRun.map(r -> !r.status().terminal()).orElse(false)) {
            return false;
        }
        JsonNode output = run.map(RunRow::output).orElse(null);
        JsonNode baselineOutput = c.expected() != null ? c.expected() : baselineRun.map(RunRow::output).orElse(null);
        JsonNode expected = c.expected() != null ? c.expected() : baselineOutput;
        List<Evaluator> checks = checks(e);
        EvaluatorRunner.Evaluations now = evaluators.evaluate(checks, c.input(), output, expected);
        boolean failedRun = run.map(r -> !r.status().wire().equals("succeeded")).orElse(true);
        List<Evaluator.Result> results = failedRun ? now.results().stream().map(r -> new Evaluator.Result(r.name(), false, 0,
                "the run " + run.map(x -> x.status().wire() + (x.error() == null ? "" : ": " + errorMessage(x.error()))).orElse("is gone") + "; "
                        + r.reason())).toList() : now.results();
        EvaluatorRunner.Evaluations before = baselineOutput == null ? null : evaluators.evaluate(checks, c.input(), baselineOutput, expected);
        BigDecimal judges = now.costUsd().add(before == null ? BigDecimal.ZERO : before.costUsd());
        BigDecimal baselineCost = baselineRun.map(RunRow::costUsd).orElse(c.baselineCostUsd());
        Long baselineDuration = baselineRun.map(CaseRuns::duration).orElse(c.baselineDurationMs());
        Long baselineTokens = baselineRun.map(r -> r.inputTokens() + r.outputTokens()).orElse(c.baselineTokens());
        store.caseFinished(e.id(), c.caseId(), new ExperimentStore.Finished(run.map(r -> r.status().wire()).orElse("gone"), output, baselineOutput,
                baselineOutput == null ? null : JsonPatchDiff.diff(baselineOutput, output), json.valueToTree(results),
                before == null ? null : json.valueToTree(before.results()), !failedRun && now.passed(), before == null ? null : before.passed(),
                run.map(RunRow::costUsd).orElse(BigDecimal.ZERO), run.map(CaseRuns::duration).orElse(null),
                run.map(r -> r.inputTokens() + r.outputTokens()).orElse(0L), baselineCost, baselineDuration, baselineTokens, judges));
        return true;
    }

    List<Evaluator> checks(ExperimentStore.Experiment e) {
        dev.griddle.server.web.FieldErrors errors = new dev.griddle.server.web.FieldErrors();
        List<Evaluator> parsed = parser.parse(e.evaluators(), "evaluators", errors);
        if (!errors.isEmpty()) {
            // checked when the experiment was made; a model since removed from the catalog is the likely cause
            throw new IllegalStateException("experiment " + e.id() + " has evaluators that no longer check: " + errors.asMap());
        }
        return parsed;
    }

    private static String errorMessage(JsonNode error) {
        return error.path("message").isString() ? error.get("message").asString() : error.toString();
    }

    private static Long duration(RunRow r) {
        if (r.finishedAt() == null) {
            return null;
        }
        return Duration.between(r.startedAt() == null ? r.createdAt() : r.startedAt(), r.finishedAt()).toMillis();
    }
}
