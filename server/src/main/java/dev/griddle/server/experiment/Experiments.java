package dev.griddle.server.experiment;

import dev.griddle.server.engine.CancelMode;
import dev.griddle.server.engine.RunCommands;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Creating and cancelling experiments. A new experiment is checked whole (dataset, runner and
 * versions the key sees, evaluator configs, bounds, and in replay mode a recording for every case)
 * and stored as {@code queued} with a snapshot of the dataset's cases; {@link ExperimentLoop} runs it.
 */
@Component
class Experiments {

    private static final Logger log = LoggerFactory.getLogger(Experiments.class);

    record CreateExperiment(UUID datasetId, UUID runnerId, Integer version, Integer baselineVersion, String mode, JsonNode evaluators,
            BigDecimal maxCostUsd, Integer maxParallel) {
    }

    private final ExperimentStore store;
    private final DatasetStore datasets;
    private final Datasets datasetAccess;
    private final EvaluatorParser parser;
    private final RunnerCatalog catalog;
    private final RunCommands commands;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ExperimentProperties props;

    Experiments(ExperimentStore store, DatasetStore datasets, Datasets datasetAccess, EvaluatorParser parser, RunnerCatalog catalog,
            RunCommands commands, JdbcClient jdbc, TransactionTemplate tx, Clock clock, ExperimentProperties props) {
        this.store = store;
        this.datasets = datasets;
        this.datasetAccess = datasetAccess;
        this.parser = parser;
        this.catalog = catalog;
        this.commands = commands;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.props = props;
    }

    /** The experiment when the caller sees it, else 404. */
    ExperimentStore.Experiment visible(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(e -> caller.sees(e.projectId())).orElseThrow(() -> ApiException.notFound("experiment", id));
    }

    ExperimentStore.Experiment create(Caller caller, CreateExperiment body, BigDecimal gateMinPassRate) {
        FieldErrors errors = new FieldErrors();
        errors.required("dataset_id", body.datasetId());
        errors.required("runner_id", body.runnerId());
        String mode = body.mode() == null ? "live" : body.mode();
        if (!mode.equals("live") && !mode.equals("replay")) {
            errors.add("mode", "must be one of [live, replay], was '" + mode + "'");
        }
        if (body.version() != null && body.version() < 1) {
            errors.add("version", "must be a published version number (1 or more), was " + body.version());
        }
        if (body.baselineVersion() != null && body.baselineVersion() < 1) {
            errors.add("baseline_version", "must be a published version number (1 or more), was " + body.baselineVersion());
        }
        if (body.maxCostUsd() != null && body.maxCostUsd().signum() < 0) {
            errors.add("max_cost_usd", "must be >= 0, was " + body.maxCostUsd().toPlainString());
        }
        int parallel = body.maxParallel() == null ? props.defaultParallel() : body.maxParallel();
        if (parallel < 1 || parallel > props.maxParallel()) {
            errors.add("max_parallel", "must be between 1 and " + props.maxParallel() + " (griddle.experiments.max-parallel), was " + parallel);
        }
        List<Evaluator> evaluators = parser.parse(body.evaluators(), "evaluators", errors);
        errors.throwIfAny();
        DatasetStore.Dataset dataset = datasetAccess.visible(caller, body.datasetId());
        UUID projectId = datasetAccess.runnerProject(caller, body.runnerId());
        if (!dataset.runnerId().equals(body.runnerId())) {
            throw ApiException.fieldErrors(Map.of("dataset_id", List.of("dataset " + dataset.id() + " is of runner " + dataset.runnerId()
                    + ", not of runner " + body.runnerId())));
        }
        int version = body.version() != null ? body.version() : latest(caller, body.runnerId());
        checkVersion(caller, body.runnerId(), "version", version);
        if (body.baselineVersion() != null) {
            checkVersion(caller, body.runnerId(), "baseline_version", body.baselineVersion());
        }
        List<DatasetStore.Case> cases = datasets.cases(dataset.id());
        if (cases.isEmpty()) {
            throw ApiException.fieldErrors(Map.of("dataset_id", List.of("dataset " + dataset.id() + " has no cases")));
        }
        if (mode.equals("replay")) {
            List<UUID> unrecorded = cases.stream().filter(c -> c.recordedCalls() == 0).map(DatasetStore.Case::id).toList();
            if (!unrecorded.isEmpty()) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("field_errors", Map.of("mode", List.of("replay needs a recording for every case; case " + unrecorded.getFirst()
                        + " has none")));
                details.put("case_ids", unrecorded);
                throw ApiException.validation("CASE_NOT_RECORDED", "mode replay: case " + unrecorded.getFirst() + " of dataset " + dataset.id()
                        + " has no recording (only cases made from_runs have one)" + (unrecorded.size() > 1 ? " (and " + (unrecorded.size() - 1)
                        + " more)" : ""), details);
            }
        }
        JsonNode stored = body.evaluators() == null || body.evaluators().isNull() || body.evaluators().isEmpty()
                ? JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("type", "equals")) : body.evaluators();
        ExperimentStore.Experiment experiment = new ExperimentStore.Experiment(UUID.randomUUID(), caller.orgId(), projectId, dataset.id(),
                body.runnerId(), version, body.baselineVersion(), mode, stored, body.maxCostUsd(), parallel, "queued", null, gateMinPassRate,
                clock.instant(), null, null);
        tx.executeWithoutResult(status -> {
            store.insert(experiment);
            cases.forEach(c -> store.insertCase(experiment.id(), c));
        });
        log.info("Experiment {} queued: runner {} version {} over {} cases of dataset {} ({}), evaluators {}", experiment.id(), body.runnerId(),
                version, cases.size(), dataset.id(), mode, evaluators.stream().map(Evaluator::name).toList());
        return experiment;
    }

    /** Cancels a live experiment and its running case runs; 409 when it has ended. */
    ExperimentStore.Experiment cancel(Caller caller, UUID id) {
        visible(caller, id);
        List<UUID> runs = tx.execute(status -> {
            ExperimentStore.Experiment e = store.lock(id).orElseThrow(() -> ApiException.notFound("experiment", id));
            if (e.terminal()) {
                throw ApiException.conflict("Experiment " + id + " is " + e.status() + "; only a queued or running experiment can be cancelled");
            }
            store.finish(id, "cancelled", "cancelled by a caller", clock.instant());
            List<UUID> live = new java.util.ArrayList<>();
            for (ExperimentStore.ExpCase c : store.cases(id)) {
                if (c.status().equals("running")) {
                    if (c.runId() != null) {
                        live.add(c.runId());
                    }
                    if (c.baselineRunId() != null) {
                        live.add(c.baselineRunId());
                    }
                }
                store.caseEnded(id, c.caseId(), "cancelled");
            }
            return live;
        });
        for (UUID run : runs) {
            try {
                commands.cancel(caller.orgId(), run, CancelMode.IMMEDIATE);
            } catch (RuntimeException e) {
                log.debug("Experiment {}: run {} not cancelled ({}); it had ended", id, run, e.getMessage());
            }
        }
        return store.find(caller.orgId(), id).orElseThrow();
    }

    private int latest(Caller caller, UUID runnerId) {
        Integer latest = jdbc.sql("select latest_version from runners where org_id = :org and id = :id").param("org", caller.orgId())
                .param("id", runnerId).query(Integer.class).optional().orElse(null);
        if (latest == null) {
            throw ApiException.fieldErrors(Map.of("version", List.of("runner " + runnerId + " has no published version: name one or publish")));
        }
        return latest;
    }

    private void checkVersion(Caller caller, UUID runnerId, String field, int version) {
        if (catalog.version(caller.orgId(), runnerId, version).isEmpty()) {
            throw ApiException.fieldErrors(Map.of(field, List.of("runner " + runnerId + " has no version " + version)));
        }
    }
}
