package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStore;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Traces (one per run, trace id = run id), their span trees, and evaluations. */
@RestController
class TraceController {

    /** A trace as listed: the run's outcome, timing and usage. */
    record TraceView(UUID id, UUID runId, UUID runnerId, int runnerVersion, String status, String triggerType, UUID parentRunId,
            Instant startedAt, Instant finishedAt, Long durationMs, long inputTokens, long outputTokens, BigDecimal costUsd) {

        static TraceView of(RunRow run, List<Span> spans) {
            Span root = spans == null ? null : spans.getFirst();
            return new TraceView(run.id(), run.id(), run.runnerId(), run.runnerVersion(), run.status().wire(), run.triggerType(),
                    run.parentRunId(), run.createdAt(), run.finishedAt(),
                    run.finishedAt() == null ? null : run.finishedAt().toEpochMilli() - run.createdAt().toEpochMilli(),
                    root == null ? run.inputTokens() : root.inputTokens(), root == null ? run.outputTokens() : root.outputTokens(),
                    root == null ? run.costUsd() : root.costUsd());
        }
    }

    record TraceDetail(TraceView trace, List<Span> spans, List<EvaluationStore.Evaluation> evaluations) {
    }

    private static final Set<String> STATUSES = Set.of("queued", "running", "waiting", "paused", "budget_paused", "succeeded", "failed", "cancelled");

    private final RunStore runs;
    private final TraceReader reader;
    private final EvaluationStore evaluations;
    private final Clock clock;

    TraceController(RunStore runs, TraceReader reader, EvaluationStore evaluations, Clock clock) {
        this.runs = runs;
        this.reader = reader;
        this.evaluations = evaluations;
        this.clock = clock;
    }

    /**
     * {@code agent_id} and {@code thread_id} are accepted for agent and chat-thread runs; no run
     * belongs to an agent or thread yet, so today they match nothing.
     */
    @GetMapping("/api/v1/traces")
    PageQuery.Paged<TraceView> list(Caller caller, PageQuery page, @RequestParam(name = "run_id", required = false) String runId,
            @RequestParam(name = "runner_id", required = false) String runnerId, @RequestParam(name = "agent_id", required = false) String agentId,
            @RequestParam(name = "thread_id", required = false) String threadId, @RequestParam(required = false) String status) {
        FieldErrors errors = new FieldErrors();
        UUID run = Params.uuid("run_id", runId, errors);
        UUID runner = Params.uuid("runner_id", runnerId, errors);
        UUID agent = Params.uuid("agent_id", agentId, errors);
        UUID thread = Params.uuid("thread_id", threadId, errors);
        if (status != null && !STATUSES.contains(status)) {
            errors.add("status", "must be one of " + STATUSES + ", was '" + status + "'");
        }
        errors.throwIfAny();
        if (agent != null || thread != null) {
            return page.result(List.of(), 0);
        }
        if (run != null) {
            List<TraceView> one = runs.find(caller.orgId(), run).filter(r -> caller.sees(r.projectId()))
                    .filter(r -> runner == null || r.runnerId().equals(runner)).filter(r -> status == null || r.status().wire().equals(status))
                    .map(r -> TraceView.of(r, null)).stream().toList();
            return page.result(page.offset() == 0 ? one : List.of(), one.size());
        }
        RunStore.RunFilter filter = new RunStore.RunFilter(runner, status, null, null, null,
                caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new));
        return page.result(runs.list(caller.orgId(), filter, page.perPage(), page.offset()).stream().map(r -> TraceView.of(r, null)).toList(),
                runs.count(caller.orgId(), filter));
    }

    @GetMapping("/api/v1/traces/{id}")
    TraceDetail get(Caller caller, @PathVariable UUID id) {
        RunRow run = visible(caller, id);
        List<Span> spans = reader.spans(run);
        return new TraceDetail(TraceView.of(run, spans), spans, evaluations.list(caller.orgId(), id));
    }

    @PostMapping("/api/v1/traces/{id}/evaluations")
    ResponseEntity<EvaluationStore.Evaluation> evaluate(Caller caller, @PathVariable UUID id, @RequestBody(required = false) JsonNode body) {
        visible(caller, id);
        JsonNode request = body == null ? tools.jackson.databind.node.JsonNodeFactory.instance.objectNode() : body;
        FieldErrors errors = new FieldErrors();
        JsonNode name = request.path("name");
        JsonNode score = request.path("score");
        JsonNode comment = request.path("comment");
        if (!name.isString() || name.asString().isBlank()) {
            errors.add("name", name.isMissingNode() || name.isNull() ? "required" : "must be a non-empty string");
        } else {
            errors.maxLength("name", name.asString(), 200);
        }
        if (score.isMissingNode() || score.isNull()) {
            errors.add("score", "required");
        } else if (!score.isNumber() || !Double.isFinite(score.asDouble())) {
            errors.add("score", "must be a number, was " + score);
        }
        if (!comment.isMissingNode() && !comment.isNull() && !comment.isString()) {
            errors.add("comment", "must be a string");
        }
        if (comment.isString()) {
            errors.maxLength("comment", comment.asString(), 10_000);
        }
        errors.throwIfAny();
        EvaluationStore.Evaluation evaluation = new EvaluationStore.Evaluation(UUID.randomUUID(), id, name.asString().strip(), score.asDouble(),
                comment.isString() ? comment.asString() : null, clock.instant());
        evaluations.insert(caller.orgId(), evaluation);
        return ResponseEntity.created(URI.create("/api/v1/traces/" + id + "/evaluations/" + evaluation.id())).body(evaluation);
    }

    private RunRow visible(Caller caller, UUID id) {
        return runs.find(caller.orgId(), id).filter(r -> caller.sees(r.projectId())).orElseThrow(() -> ApiException.notFound("trace", id));
    }
}
