package dev.griddle.server.experiment;

import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStatus;
import dev.griddle.server.replay.CaseRecordings;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets and their cases: given ones ({@code {input, expected?}}) and ones made from runs, which
 * keep the run's input, its output as {@code expected}, its cost, duration and tokens as the
 * recorded baseline, and a copy of its recording. Every addition is one transaction on the locked
 * dataset row, checked against {@code griddle.experiments.max-cases-per-dataset} and
 * {@code max-dataset-size} before anything stays: a refused addition writes nothing.
 */
@Component
class Datasets {

    /** A case as given: {@code {input, expected?}}. */
    record GivenCase(JsonNode input, JsonNode expected) {
    }

    private final DatasetStore store;
    private final RunReader runs;
    private final CaseRecordings recordings;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final ExperimentProperties props;

    Datasets(DatasetStore store, RunReader runs, CaseRecordings recordings, JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock,
            ExperimentProperties props) {
        this.store = store;
        this.runs = runs;
        this.recordings = recordings;
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.props = props;
    }

    /** The dataset when the caller sees it, else 404. */
    DatasetStore.Dataset visible(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(d -> caller.sees(d.projectId())).orElseThrow(() -> ApiException.notFound("dataset", id));
    }

    /** The runner's project when the caller sees the runner, else 404. */
    UUID runnerProject(Caller caller, UUID runnerId) {
        var project = jdbc.sql("select project_id from runners where org_id = :org and id = :id").param("org", caller.orgId()).param("id", runnerId)
                .query((rs, n) -> java.util.Optional.ofNullable(rs.getObject("project_id", UUID.class))).optional();
        if (project.isEmpty() || !caller.sees(project.get().orElse(null))) {
            throw ApiException.notFound("runner", runnerId);
        }
        return project.get().orElse(null);
    }

    UUID create(Caller caller, String name, UUID runnerId, List<GivenCase> cases, List<UUID> fromRuns) {
        FieldErrors errors = new FieldErrors();
        if (name == null || name.isBlank()) {
            errors.add("name", "required");
        } else {
            errors.maxLength("name", name, 200);
        }
        if (runnerId == null) {
            errors.add("runner_id", "required");
        }
        errors.throwIfAny();
        UUID projectId = runnerProject(caller, runnerId);
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(status -> {
            store.insert(id, caller.orgId(), projectId, runnerId, name.strip(), clock.instant());
            addInTransaction(caller, store.lock(caller.orgId(), id).orElseThrow(), cases, fromRuns);
        });
        return id;
    }

    /** Adds cases to a dataset the caller sees; returns the new cases' ids in order. */
    List<UUID> add(Caller caller, UUID datasetId, List<GivenCase> cases, List<UUID> fromRuns) {
        visible(caller, datasetId);
        return tx.execute(status -> addInTransaction(caller, store.lock(caller.orgId(), datasetId).orElseThrow(), cases, fromRuns));
    }

    /** Parses JSON Lines of {@code {input, expected?}} (blank lines skipped); a bad line is a 422 naming it. */
    List<GivenCase> parseLines(String body) {
        List<GivenCase> out = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(lines[i]);
            } catch (RuntimeException e) {
                throw ApiException.fieldErrors(java.util.Map.of("line " + (i + 1), List.of("is not JSON: " + e.getMessage())));
            }
            if (!node.isObject() || !node.has("input")) {
                throw ApiException.fieldErrors(java.util.Map.of("line " + (i + 1), List.of("must be an object with input (and optionally expected)")));
            }
            out.add(new GivenCase(node.get("input"), node.get("expected")));
        }
        return out;
    }

    private List<UUID> addInTransaction(Caller caller, DatasetStore.Dataset dataset, List<GivenCase> cases, List<UUID> fromRuns) {
        List<GivenCase> given = cases == null ? List.of() : cases;
        List<UUID> runIds = fromRuns == null ? List.of() : fromRuns;
        FieldErrors errors = new FieldErrors();
        for (int i = 0; i < given.size(); i++) {
            GivenCase c = given.get(i);
            if (c == null || c.input() == null || c.input().isNull()) {
                errors.add("cases[" + i + "].input", "required");
            }
        }
        List<RunRow> sources = new ArrayList<>();
        for (int i = 0; i < runIds.size(); i++) {
            UUID runId = runIds.get(i);
            if (runId == null) {
                errors.add("from_runs[" + i + "]", "required");
                continue;
            }
            RunRow run = runs.find(caller.orgId(), runId).filter(r -> caller.sees(r.projectId())).orElseThrow(() -> ApiException.notFound("run", runId));
            if (!run.runnerId().equals(dataset.runnerId())) {
                errors.add("from_runs[" + i + "]", "run " + runId + " is a run of runner " + run.runnerId() + ", not of the dataset's runner "
                        + dataset.runnerId());
            } else if (run.status() != RunStatus.SUCCEEDED) {
                errors.add("from_runs[" + i + "]", "run " + runId + " has status " + run.status().wire() + "; only a succeeded run has an output to expect");
            }
            sources.add(run);
        }
        errors.throwIfAny();
        long count = dataset.cases() + given.size() + sources.size();
        if (count > props.maxCasesPerDataset()) {
            throw ApiException.validation("DATASET_TOO_LARGE", "Dataset " + dataset.id() + " would hold " + count + " cases, over "
                    + "griddle.experiments.max-cases-per-dataset (" + props.maxCasesPerDataset() + ")", java.util.Map.of("cases", count));
        }
        List<UUID> ids = new ArrayList<>();
        long size = dataset.sizeBytes();
        for (GivenCase c : given) {
            UUID id = UUID.randomUUID();
            long bytes = bytes(c.input()) + bytes(c.expected());
            size += bytes;
            checkSize(dataset, size);
            store.insertCase(id, dataset.id(), c.input(), c.expected(), null, null, null, null, bytes, clock.instant());
            ids.add(id);
        }
        for (RunRow run : sources) {
            UUID id = UUID.randomUUID();
            long bytes = bytes(run.input()) + bytes(run.output());
            Long durationMs = run.finishedAt() == null ? null
                    : Duration.between(run.startedAt() == null ? run.createdAt() : run.startedAt(), run.finishedAt()).toMillis();
            store.insertCase(id, dataset.id(), run.input(), run.output(), run.id(), run.costUsd() == null ? BigDecimal.ZERO : run.costUsd(), durationMs,
                    run.inputTokens() + run.outputTokens(), bytes, clock.instant());
            long recorded = recordings.copy(run.id(), id);
            store.addSize(id, recorded);
            size += bytes + recorded;
            checkSize(dataset, size); // throwing rolls back the whole addition, the copies with it
            ids.add(id);
        }
        return ids;
    }

    private void checkSize(DatasetStore.Dataset dataset, long size) {
        if (size > props.maxDatasetSize().toBytes()) {
            throw ApiException.validation("DATASET_TOO_LARGE", "Dataset " + dataset.id() + " would hold " + size + " bytes, over "
                    + "griddle.experiments.max-dataset-size (" + props.maxDatasetSize().toBytes() + " bytes)", java.util.Map.of("size_bytes", size));
        }
    }

    private long bytes(JsonNode node) {
        return node == null ? 0 : json.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
    }
}
