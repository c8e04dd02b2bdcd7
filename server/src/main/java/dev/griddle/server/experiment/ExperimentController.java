package dev.griddle.server.experiment;

import dev.griddle.server.web.Audit;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/experiments}: a runner version run over a dataset's cases and evaluated against their baseline (issue #18). */
@RestController
@RequestMapping("/api/v1/experiments")
public class ExperimentController {

    public record CaseView(UUID caseId, JsonNode input, JsonNode expected, String status, JsonNode output, JsonNode baselineOutput, JsonNode diff,
            JsonNode evaluations, JsonNode baselineEvaluations, Boolean passed, Boolean baselinePassed, BigDecimal costUsd, Long durationMs, Long tokens,
            BigDecimal baselineCostUsd, Long baselineDurationMs, Long baselineTokens, UUID runId, String runStatus, UUID baselineRunId) {
        static CaseView of(ExperimentStore.ExpCase c) {
            return new CaseView(c.caseId(), c.input(), c.expected(), c.status(), c.output(), c.baselineOutput(), c.diff(), c.evaluations(),
                    c.baselineEvaluations(), c.passed(), c.baselinePassed(), c.costUsd(), c.durationMs(), c.tokens(), c.baselineCostUsd(),
                    c.baselineDurationMs(), c.baselineTokens(), c.runId(), c.runStatus(), c.baselineRunId());
        }
    }

    /** {@code cases} only on the single experiment (null in lists); {@code gate_min_pass_rate} set for a publish gate's experiment. */
    public record ExperimentView(UUID id, UUID datasetId, UUID runnerId, UUID projectId, int version, Integer baselineVersion, String mode, JsonNode evaluators,
            BigDecimal maxCostUsd, int maxParallel, String status, String error, BigDecimal gateMinPassRate, Summary summary, Instant createdAt,
            Instant startedAt, Instant finishedAt, List<CaseView> cases) {
        static ExperimentView of(ExperimentStore.Experiment e, List<ExperimentStore.ExpCase> cases, boolean withCases) {
            return new ExperimentView(e.id(), e.datasetId(), e.runnerId(), e.projectId(), e.version(), e.baselineVersion(), e.mode(), e.evaluators(),
                    e.maxCostUsd(), e.maxParallel(), e.status(), e.error(), e.gateMinPassRate(), Summary.of(cases), e.createdAt(), e.startedAt(),
                    e.finishedAt(), withCases ? cases.stream().map(CaseView::of).toList() : null);
        }
    }

    private final Experiments experiments;
    private final ExperimentStore store;

    ExperimentController(Experiments experiments, ExperimentStore store) {
        this.experiments = experiments;
        this.store = store;
    }

    @PostMapping
    @Operation(summary = "Start an experiment", description = "{dataset_id, runner_id, version (default: the latest published), baseline_version?, "
            + "mode: live|replay, evaluators: [{type: equals|json_subset|cel|similarity|llm_judge, name?, ...}], max_cost_usd?, max_parallel?}. "
            + "201 with status queued; every case then runs on version as a run with trigger.type experiment. A case's baseline is its expected "
            + "output (with the source run's cost, duration and tokens); a case without one runs baseline_version. mode replay answers the "
            + "runs' calls from each case's recording copy (strict: a call it has no answer for fails the case's run); a case without a "
            + "recording is 422 CASE_NOT_RECORDED naming it. Bad evaluator configs are 422 naming the field. max_cost_usd caps the "
            + "experiment's runs (not the runner's budget); max_parallel bounds concurrent case runs (default and most: "
            + "griddle.experiments.default-parallel, max-parallel).")
    ResponseEntity<ExperimentView> create(Caller caller, @RequestBody Experiments.CreateExperiment body) {
        ExperimentStore.Experiment e = experiments.create(caller, body, null);
        Audit.record(caller, "experiment.create", e.id());
        return ResponseEntity.created(URI.create("/api/v1/experiments/" + e.id())).body(ExperimentView.of(e, store.cases(e.id()), true));
    }

    @GetMapping
    @Operation(summary = "List experiments", description = "Newest first, paged; ?runner_id= and ?dataset_id= filter. With summaries, without cases.")
    public PageQuery.Paged<ExperimentView> list(Caller caller, PageQuery page, @RequestParam(name = "runner_id", required = false) UUID runnerId,
            @RequestParam(name = "dataset_id", required = false) UUID datasetId) {
        List<UUID> projects = caller.allProjects() ? null : List.copyOf(caller.projectIds());
        List<ExperimentView> data = store.list(caller.orgId(), projects, runnerId, datasetId, page.perPage(), page.offset()).stream()
                .map(e -> ExperimentView.of(e, store.cases(e.id()), false)).toList();
        return page.result(data, store.count(caller.orgId(), projects, runnerId, datasetId));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an experiment", description = "status (queued, running, completed, failed, cancelled), summary {cases, pass_rate, "
            + "baseline_pass_rate, cost_usd, cost_usd_delta, latency_ms_p50, latency_ms_p50_delta, tokens_delta} and cases [{case_id, input, "
            + "output, baseline_output, diff (RFC 6902 JSON Patch from baseline_output to output), evaluations [{name, passed, score, reason}], "
            + "cost_usd, duration_ms, run_id}].")
    public ExperimentView get(Caller caller, @PathVariable UUID id) {
        ExperimentStore.Experiment e = experiments.visible(caller, id);
        return ExperimentView.of(e, store.cases(id), true);
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel an experiment", description = "A queued or running experiment ends as cancelled; its running case runs are "
            + "cancelled, pending cases are not started. 409 when it has ended.")
    public ExperimentView cancel(Caller caller, @PathVariable UUID id) {
        ExperimentStore.Experiment e = experiments.cancel(caller, id);
        Audit.record(caller, "experiment.cancel", id);
        return ExperimentView.of(e, store.cases(id), true);
    }
}
