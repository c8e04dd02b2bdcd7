package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

/**
 * Traces, their span trees, and evaluations. A trace is a run (trace id = run id) or a chat-thread
 * turn (trace id = the answer's message id).
 */
@RestController
class TraceController {

    record TraceDetail(TraceView trace, List<Span> spans, List<EvaluationStore.Evaluation> evaluations) {
    }

    private static final Set<String> STATUSES = Set.of("queued", "running", "waiting", "paused", "budget_paused", "succeeded", "failed", "cancelled");

    private final RunReader runs;
    private final TurnTraces turns;
    private final TraceList list;
    private final TraceReader reader;
    private final EvaluationStore evaluations;
    private final Clock clock;

    TraceController(RunReader runs, TurnTraces turns, TraceList list, TraceReader reader, EvaluationStore evaluations, Clock clock) {
        this.runs = runs;
        this.turns = turns;
        this.list = list;
        this.reader = reader;
        this.evaluations = evaluations;
        this.clock = clock;
    }

    /** Runs and chat-thread turns, newest first: see {@link TraceList} for what each filter selects. */
    @Operation(summary = "List traces", description = "Filtered by run_id, runner_id, agent_id, thread_id, status; newest first, paged.")
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
        return list.list(caller, page, run, runner, agent, thread, status);
    }

    /** A run's trace, or a chat-thread answer's. */
    @Operation(summary = "Get a trace", description = "{trace, spans, evaluations}; spans form a tree by parent_id.")
    @GetMapping("/api/v1/traces/{id}")
    TraceDetail get(Caller caller, @PathVariable UUID id) {
        Optional<RunRow> run = visibleRun(caller, id);
        if (run.isPresent()) {
            List<Span> spans = reader.spans(run.get());
            return new TraceDetail(TraceView.of(run.get(), spans), spans, evaluations.list(caller.orgId(), id));
        }
        TurnTraces.Turn turn = visibleTurn(caller, id);
        return new TraceDetail(TraceView.of(turn), TurnTraceBuilder.build(turn), evaluations.list(caller.orgId(), id));
    }

    @Operation(summary = "Score a trace", description = "{name, score, comment}: an evaluation attached to the trace.")
    @PostMapping("/api/v1/traces/{id}/evaluations")
    ResponseEntity<EvaluationStore.Evaluation> evaluate(Caller caller, @PathVariable UUID id, @RequestBody(required = false) JsonNode body) {
        boolean turn = visibleRun(caller, id).isEmpty();
        if (turn) {
            visibleTurn(caller, id);
        }
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
        evaluations.insert(caller.orgId(), evaluation, turn);
        return ResponseEntity.created(URI.create("/api/v1/traces/" + id + "/evaluations/" + evaluation.id())).body(evaluation);
    }

    private Optional<RunRow> visibleRun(Caller caller, UUID id) {
        return runs.find(caller.orgId(), id).filter(r -> caller.sees(r.projectId()));
    }

    private TurnTraces.Turn visibleTurn(Caller caller, UUID id) {
        return turns.find(caller.orgId(), id).filter(t -> caller.sees(t.projectId())).orElseThrow(() -> ApiException.notFound("trace", id));
    }
}
