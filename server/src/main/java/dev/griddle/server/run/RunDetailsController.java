package dev.griddle.server.run;

import dev.griddle.server.engine.EngineQueries;
import dev.griddle.server.engine.EventLog;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.StepRow;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A run's steps, context and event feed. */
@RestController
class RunDetailsController {

    /** A page of a cursor feed: {@code {data, meta: {next_cursor}}}. */
    record Feed<T>(List<T> data, Cursor meta) {
        record Cursor(String nextCursor) {
        }
    }

    record Steps(List<StepRow.View> data) {
    }

    private final RunAccess access;
    private final EngineQueries queries;
    private final EventLog events;
    private final RunnerCatalog catalog;

    RunDetailsController(RunAccess access, EngineQueries queries, EventLog events, RunnerCatalog catalog) {
        this.access = access;
        this.queries = queries;
        this.events = events;
        this.catalog = catalog;
    }

    @Operation(summary = "List a run's step executions",
            description = "{step_id, status, attempt, output, error, skip_reason, started_at, finished_at} per attempt.")
    @GetMapping("/api/v1/runs/{id}/steps")
    Steps steps(Caller caller, @PathVariable UUID id) {
        RunRow run = access.visible(caller, id);
        return new Steps(queries.steps(run, order(run)));
    }

    @Operation(summary = "Get a run's context", description = "{input, steps: {step_id: output}, variables}: what templates see.")
    @GetMapping("/api/v1/runs/{id}/context")
    JsonNode context(Caller caller, @PathVariable UUID id) {
        RunRow run = access.visible(caller, id);
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.set("input", run.input());
        ObjectNode steps = context.putObject("steps");
        for (StepRow.View step : queries.steps(run, order(run))) {
            steps.set(step.stepId(), step.output() == null ? JsonNodeFactory.instance.nullNode() : step.output());
        }
        context.putObject("variables");
        return context;
    }

    @Operation(summary = "List a run's events", description = "By cursor: ?after=&limit= -> {data: [event], meta: {next_cursor}}.")
    @GetMapping("/api/v1/runs/{id}/events")
    Feed<EventLog.Event> events(Caller caller, @PathVariable UUID id, @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit) {
        RunRow run = access.visible(caller, id);
        long cursor = cursor(after);
        int max = limit(limit);
        List<EventLog.Event> page = events.after(caller.orgId(), run.id(), cursor, max);
        long next = page.isEmpty() ? cursor : page.getLast().seq();
        return new Feed<>(page, new Feed.Cursor(Long.toString(next)));
    }

    private List<String> order(RunRow run) {
        return catalog.version(run.orgId(), run.runnerId(), run.runnerVersion())
                .map(r -> r.spec().steps().stream().map(StepSpec::id).toList())
                .orElse(List.of());
    }

    static long cursor(String after) {
        if (after == null || after.isBlank()) {
            return 0;
        }
        try {
            long value = Long.parseLong(after.trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.fieldErrors(Map.of("after", List.of("must be a cursor from meta.next_cursor (a non-negative integer), was '" + after + "'")));
        }
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return 100;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= 1000) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.fieldErrors(Map.of("limit", List.of("must be between 1 and 1000, was '" + limit + "'")));
    }
}
