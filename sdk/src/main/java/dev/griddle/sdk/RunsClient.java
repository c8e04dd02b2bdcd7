package dev.griddle.sdk;

import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.EventPage;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunModels.Steps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Runs: start, read, follow (events and SSE) and command. */
public final class RunsClient {

    private final Transport http;

    RunsClient(Transport http) {
        this.http = http;
    }

    public Run start(UUID runnerId, StartRun request) {
        return http.call("POST", "/api/v1/runners/" + runnerId + "/runs", request, Run.class);
    }

    /** Starts a run with an {@code Idempotency-Key}: the same key and body return the first run. */
    public Run start(UUID runnerId, StartRun request, String idempotencyKey) {
        RawResponse response = http.send("POST", "/api/v1/runners/" + runnerId + "/runs", request, Map.of("Idempotency-Key", idempotencyKey));
        return Transport.JSON.readValue(response.body(), Run.class);
    }

    /** The run's recorded external calls. */
    public ReplayModels.Recording recording(UUID runId) {
        return http.call("GET", "/api/v1/runs/" + runId + "/recording", null, ReplayModels.Recording.class);
    }

    /** Starts a replay of the run: a new run answered from its recording ({@code trigger.type: replay}). */
    public Run replay(UUID runId, ReplayModels.ReplayRequest request) {
        return http.call("POST", "/api/v1/runs/" + runId + "/replay", request, Run.class);
    }

    public Run get(UUID runId) {
        return http.call("GET", "/api/v1/runs/" + runId, null, Run.class);
    }

    /** The runs feed; {@code query} holds filters such as {@code runner_id=...&status=failed}. */
    public Page<Run> list(String query, PageRequest page) {
        return http.page("/api/v1/runs?" + (query == null || query.isEmpty() ? "" : query + "&") + page.query(), Run.class);
    }

    public Page<Run> listForRunner(UUID runnerId, PageRequest page) {
        return http.page("/api/v1/runners/" + runnerId + "/runs?" + page.query(), Run.class);
    }

    public List<StepRun> steps(UUID runId) {
        return http.call("GET", "/api/v1/runs/" + runId + "/steps", null, Steps.class).data();
    }

    public JsonNode context(UUID runId) {
        return http.call("GET", "/api/v1/runs/" + runId + "/context", null, JsonNode.class);
    }

    public EventPage events(UUID runId, String after, int limit) {
        return http.call("GET", "/api/v1/runs/" + runId + "/events?limit=" + limit + (after == null ? "" : "&after=" + after), null,
                EventPage.class);
    }

    /** Follows the run's SSE stream from {@code lastEventId} (null = the start), calling {@code onEvent} until it ends or returns false. */
    public void stream(UUID runId, String lastEventId, Predicate<Event> onEvent) {
        new EventStream(http).follow("/api/v1/runs/" + runId + "/events/stream", lastEventId, json -> onEvent.test(Transport.JSON.readValue(json, Event.class)));
    }

    public Run pause(UUID runId) {
        return http.call("POST", "/api/v1/runs/" + runId + "/pause", null, Run.class);
    }

    public Run resume(UUID runId) {
        return http.call("POST", "/api/v1/runs/" + runId + "/resume", null, Run.class);
    }

    /** {@code mode}: immediate or graceful. */
    public Run cancel(UUID runId, String mode) {
        return http.call("POST", "/api/v1/runs/" + runId + "/cancel", Map.of("mode", mode), Run.class);
    }

    public Run retry(UUID runId) {
        return http.call("POST", "/api/v1/runs/" + runId + "/retry", null, Run.class);
    }

    /**
     * Starts a run and waits for it: returns once it has finished, or when {@code timeout} has passed
     * with the state seen last (still {@code running}, {@code waiting} for an approval, {@code paused}...;
     * check {@link Run#finished()}). The run goes on either way; the timeout only bounds this wait.
     */
    public Run startAndWait(UUID runnerId, StartRun request, Duration timeout) {
        return await(start(runnerId, request).id(), timeout);
    }

    /** {@link #startAndWait(UUID, StartRun, Duration)} with an {@code Idempotency-Key}: a retried call waits for the first run. */
    public Run startAndWait(UUID runnerId, StartRun request, String idempotencyKey, Duration timeout) {
        return await(start(runnerId, request, idempotencyKey).id(), timeout);
    }

    /** Polls until the run has finished or the timeout passes; returns the last state seen. */
    public Run await(UUID runId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        long sleep = 5;
        while (true) {
            Run run = get(runId);
            if (run.finished() || Instant.now().isAfter(deadline)) {
                return run;
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return run;
            }
            sleep = Math.min(sleep * 2, 200);
        }
    }
}
