package dev.griddle.server.experiment;

import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code /api/v1/datasets}: a runner's test cases for experiments, JSON Lines in and out (issue #18). */
@RestController
@RequestMapping("/api/v1/datasets")
class DatasetController {

    static final String NDJSON = "application/x-ndjson";
    /** One operation in the document for both content types of {@code POST /datasets/{id}/cases}. */
    private static final String ADD_CASES = "Add cases to a dataset, or import them as JSON Lines";
    private static final String ADD_CASES_DESCRIPTION = "application/json: {cases?: [{input, expected?}], from_runs?: [run_id]}, as on create. "
            + "application/x-ndjson: JSON Lines, one {input, expected?} object per line (an import); blank lines are skipped, a bad line is 422 "
            + "naming it. Bounded like create; a refused addition adds nothing. 201 {data: [case]}.";

    record CreateDataset(String name, UUID runnerId, List<Datasets.GivenCase> cases, List<UUID> fromRuns) {
    }

    record AddCases(List<Datasets.GivenCase> cases, List<UUID> fromRuns) {
    }

    record CaseView(UUID id, JsonNode input, JsonNode expected, UUID sourceRunId, int recordedCalls, Instant createdAt) {
        static CaseView of(DatasetStore.Case c) {
            return new CaseView(c.id(), c.input(), c.expected(), c.sourceRunId(), c.recordedCalls(), c.createdAt());
        }
    }

    /** {@code cases} only on the single dataset (null in lists). */
    record DatasetView(UUID id, String name, UUID runnerId, UUID projectId, long caseCount, long sizeBytes, Instant createdAt, List<CaseView> cases) {
        static DatasetView of(DatasetStore.Dataset d, List<CaseView> cases) {
            return new DatasetView(d.id(), d.name(), d.runnerId(), d.projectId(), d.cases(), d.sizeBytes(), d.createdAt(), cases);
        }
    }

    record CaseList(List<CaseView> data) {
    }

    private final Datasets datasets;
    private final DatasetStore store;
    private final JsonMapper json;

    DatasetController(Datasets datasets, DatasetStore store, JsonMapper json) {
        this.datasets = datasets;
        this.store = store;
        this.json = json;
    }

    @PostMapping
    @Operation(summary = "Create a dataset", description = "{name, runner_id, cases?: [{input, expected?}], from_runs?: [run_id]}. A case made "
            + "from a run keeps its input, its output as expected, its cost, duration and tokens as the recorded baseline, and a copy of its "
            + "recording, kept after the run is deleted. Runs must be succeeded runs of the same runner that the key sees (else 404 or 422). "
            + "Bounded by griddle.experiments.max-cases-per-dataset and max-dataset-size (422 DATASET_TOO_LARGE). 201 with the dataset and its cases.")
    ResponseEntity<DatasetView> create(Caller caller, @RequestBody CreateDataset body) {
        UUID id = datasets.create(caller, body.name(), body.runnerId(), body.cases(), body.fromRuns());
        Audit.record(caller, "dataset.create", id);
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + id)).body(view(caller, id));
    }

    @GetMapping
    @Operation(summary = "List datasets", description = "Newest first, paged; ?runner_id= filters. Without cases (GET one dataset for them).")
    PageQuery.Paged<DatasetView> list(Caller caller, PageQuery page, @RequestParam(name = "runner_id", required = false) UUID runnerId) {
        List<UUID> projects = caller.allProjects() ? null : List.copyOf(caller.projectIds());
        List<DatasetView> data = store.list(caller.orgId(), projects, runnerId, page.perPage(), page.offset()).stream()
                .map(d -> DatasetView.of(d, null)).toList();
        return page.result(data, store.count(caller.orgId(), projects, runnerId));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a dataset with its cases", description = "The cases in the order they were added; recorded_calls counts each "
            + "case's recording copy (0: none, so it cannot be used by a replay experiment).")
    DatasetView get(Caller caller, @PathVariable UUID id) {
        return view(caller, id);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a dataset", description = "With its cases and their recording copies. Experiments of it keep their results. 204.")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        datasets.visible(caller, id);
        store.delete(caller.orgId(), id);
        Audit.record(caller, "dataset.delete", id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/{id}/cases", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = ADD_CASES, description = ADD_CASES_DESCRIPTION)
    ResponseEntity<CaseList> addCases(Caller caller, @PathVariable UUID id, @RequestBody AddCases body) {
        return added(caller, id, datasets.add(caller, id, body.cases(), body.fromRuns()));
    }

    @PostMapping(path = "/{id}/cases", consumes = NDJSON)
    @Operation(summary = ADD_CASES, description = ADD_CASES_DESCRIPTION)
    ResponseEntity<CaseList> importCases(Caller caller, @PathVariable UUID id, @RequestBody String body) {
        return added(caller, id, datasets.add(caller, id, datasets.parseLines(body), List.of()));
    }

    @GetMapping(path = "/{id}/cases.jsonl", produces = NDJSON)
    @Operation(summary = "Export cases as JSON Lines", description = "One {input, expected} object per line, in order; recordings are not "
            + "exported. What POST /datasets/{id}/cases takes as application/x-ndjson.")
    ResponseEntity<String> export(Caller caller, @PathVariable UUID id) {
        datasets.visible(caller, id);
        StringBuilder out = new StringBuilder();
        for (DatasetStore.Case c : store.cases(id)) {
            ObjectNode line = json.createObjectNode();
            line.set("input", c.input());
            line.set("expected", c.expected());
            out.append(json.writeValueAsString(line)).append('\n');
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(NDJSON)).body(out.toString());
    }

    @DeleteMapping("/{id}/cases/{caseId}")
    @Operation(summary = "Delete a case", description = "With its recording copy. 204; an unknown case is 404.")
    ResponseEntity<Void> deleteCase(Caller caller, @PathVariable UUID id, @PathVariable UUID caseId) {
        datasets.visible(caller, id);
        if (!store.deleteCase(id, caseId)) {
            throw dev.griddle.server.web.ApiException.notFound("case", caseId);
        }
        Audit.record(caller, "dataset.case_delete", id, Map.of("case_id", caseId));
        return ResponseEntity.noContent().build();
    }

    private ResponseEntity<CaseList> added(Caller caller, UUID datasetId, List<UUID> ids) {
        Audit.record(caller, "dataset.cases_add", datasetId, Map.of("cases", ids.size()));
        List<CaseView> cases = ids.stream().map(c -> store.findCase(datasetId, c).map(CaseView::of).orElseThrow()).toList();
        return ResponseEntity.status(HttpStatus.CREATED).body(new CaseList(cases));
    }

    private DatasetView view(Caller caller, UUID id) {
        DatasetStore.Dataset d = datasets.visible(caller, id);
        return DatasetView.of(d, store.cases(id).stream().map(CaseView::of).toList());
    }
}
