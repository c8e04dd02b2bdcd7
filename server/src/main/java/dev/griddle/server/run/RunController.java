package dev.griddle.server.run;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.CancelMode;
import dev.griddle.server.engine.RunCommands;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.llm.RunnerAccess;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
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

/** Starting runs, the runs feed, and the commands pause, resume, cancel and retry. */
@RestController
class RunController {

    record StartRun(JsonNode input, Integer version, JsonNode stepOverrides) {
    }

    record CancelRun(String mode) {
    }

    private static final Set<String> STATUSES = Set.of("queued", "running", "waiting", "paused", "budget_paused", "succeeded", "failed", "cancelled");
    private static final Set<String> TRIGGERS = Set.of("api", "cron", "webhook", "runner", "replay", "experiment");

    private final RunStarter starter;
    private final RunReader runs;
    private final RunCommands commands;
    private final RunAccess access;
    private final RunnerAccess runnerAccess;

    RunController(RunStarter starter, RunReader runs, RunCommands commands, RunAccess access, RunnerAccess runnerAccess) {
        this.runnerAccess = runnerAccess;
        this.starter = starter;
        this.runs = runs;
        this.commands = commands;
        this.access = access;
    }

    @Operation(summary = "Start a run",
            description = "{input, version?, step_overrides?}; 201 with the queued run. Input failing the runner's input_schema is 422; "
                    + "without version an unpublished draft is published first.")
    @PostMapping("/api/v1/runners/{runnerId}/runs")
    ResponseEntity<RunView> start(Caller caller, @PathVariable UUID runnerId, @RequestBody(required = false) StartRun body) {
        StartRun request = body == null ? new StartRun(null, null, null) : body;
        RunRow run = starter.start(caller.orgId(), runnerId, new RunStarter.StartRequest(request.input(), request.version(), request.stepOverrides()),
                Trigger.api(), ProjectScope.of(caller.projectIds()));
        return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id())).body(RunView.of(run));
    }

    @Operation(summary = "List runs",
            description = "All runners' runs the key sees, filtered by runner_id, status, trigger_type, from, to; newest first, paged.")
    @GetMapping("/api/v1/runs")
    PageQuery.Paged<RunView> list(Caller caller, PageQuery page, @RequestParam(name = "runner_id", required = false) UUID runnerId,
            @RequestParam(required = false) String status, @RequestParam(name = "trigger_type", required = false) String triggerType,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return feed(caller, page, runnerId, status, triggerType, from, to);
    }

    @Operation(summary = "List a runner's runs", description = "Newest first, paged.")
    @GetMapping("/api/v1/runners/{runnerId}/runs")
    PageQuery.Paged<RunView> listForRunner(Caller caller, PageQuery page, @PathVariable UUID runnerId,
            @RequestParam(required = false) String status, @RequestParam(name = "trigger_type", required = false) String triggerType,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        runnerAccess.check(caller, runnerId);
        return feed(caller, page, runnerId, status, triggerType, from, to);
    }

    @Operation(summary = "Get a run",
            description = "{id, runner_id, version, status, input, output, error, trigger, parent_run_id, cost_usd, tokens, timestamps}.")
    @GetMapping("/api/v1/runs/{id}")
    RunView get(Caller caller, @PathVariable UUID id) {
        return RunView.of(access.visible(caller, id));
    }

    @Operation(summary = "Pause a run",
            description = "Running steps finish; no new step starts until it is resumed. Not allowed in its state -> 409.")
    @PostMapping("/api/v1/runs/{id}/pause")
    RunView pause(Caller caller, @PathVariable UUID id) {
        access.visible(caller, id);
        return RunView.of(commands.pause(caller.orgId(), id));
    }

    /** Body of resume: {@code add_budget_usd} raises a budget-paused run's allowance (issue #5). */
    record ResumeRun(java.math.BigDecimal addBudgetUsd) {
    }

    @Operation(summary = "Resume a run",
            description = "Also lifts budget_paused; {add_budget_usd?} raises the budget. Not allowed in its state -> 409.")
    @PostMapping("/api/v1/runs/{id}/resume")
    RunView resume(Caller caller, @PathVariable UUID id, @RequestBody(required = false) ResumeRun body) {
        access.visible(caller, id);
        java.math.BigDecimal add = body == null ? null : body.addBudgetUsd();
        if (add != null && add.signum() <= 0) {
            throw ApiException.fieldErrors(Map.of("add_budget_usd", List.of("must be > 0, was " + add.toPlainString())));
        }
        return RunView.of(commands.resume(caller.orgId(), id, add));
    }

    @Operation(summary = "Cancel a run",
            description = "{mode: immediate|graceful}; graceful lets running steps finish and starts no new ones. A finished run is 409.")
    @PostMapping("/api/v1/runs/{id}/cancel")
    RunView cancel(Caller caller, @PathVariable UUID id, @RequestBody(required = false) CancelRun body) {
        access.visible(caller, id);
        String wire = body == null || body.mode() == null ? CancelMode.IMMEDIATE.wire() : body.mode();
        CancelMode mode = CancelMode.fromWire(wire).orElseThrow(
                () -> ApiException.fieldErrors(Map.of("mode", List.of("must be immediate or graceful, was '" + wire + "'"))));
        return RunView.of(commands.cancel(caller.orgId(), id, mode));
    }

    @Operation(summary = "Retry a failed or cancelled run",
            description = "Same run, new attempts: succeeded steps keep their outputs, failed, cancelled and blocked steps run again.")
    @PostMapping("/api/v1/runs/{id}/retry")
    RunView retry(Caller caller, @PathVariable UUID id) {
        access.visible(caller, id);
        return RunView.of(commands.retry(caller.orgId(), id));
    }

    private PageQuery.Paged<RunView> feed(Caller caller, PageQuery page, UUID runnerId, String status, String triggerType, String from, String to) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.fieldErrors(Map.of("status", List.of("must be one of " + STATUSES + ", was '" + status + "'")));
        }
        if (triggerType != null && !TRIGGERS.contains(triggerType)) {
            throw ApiException.fieldErrors(Map.of("trigger_type", List.of("must be one of " + TRIGGERS + ", was '" + triggerType + "'")));
        }
        RunReader.RunFilter filter = new RunReader.RunFilter(runnerId, status, triggerType, time("from", from), time("to", to),
                caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new));
        return page.result(runs.list(caller.orgId(), filter, page.perPage(), page.offset()).stream().map(RunView::of).toList(),
                runs.count(caller.orgId(), filter));
    }

    private static Instant time(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.fieldErrors(Map.of(name, List.of("must be an RFC 3339 timestamp, was '" + value + "'")));
        }
    }
}
