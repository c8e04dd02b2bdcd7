package dev.griddle.server.replay;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.run.RunView;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** A run's recording, and replays of it (issue #18). */
@RestController
class ReplayController {

    record ReplayRequest(Integer version, String mode) {
    }

    record CallView(String stepId, int attempt, Integer itemIndex, int seq, String kind, String fingerprint, JsonNode request, JsonNode response,
            long durationMs, BigDecimal costUsd, boolean replayed) {
    }

    record Recording(UUID runId, UUID replayOf, List<CallView> calls) {
    }

    private final RunReader runs;
    private final RecordingStore store;
    private final Replays replays;

    ReplayController(RunReader runs, RecordingStore store, Replays replays) {
        this.runs = runs;
        this.store = store;
        this.replays = replays;
    }

    @GetMapping("/api/v1/runs/{id}/recording")
    @Operation(summary = "A run's recorded external calls", description = "Every model, HTTP, tool, MCP, SQL, web and knowledge call the run "
            + "made, every remote worker's task result (kind task) and every approval's decision (kind approval), in order per step attempt: "
            + "fingerprint, request, response, duration and cost; secrets masked, the runner's redact paths as \"[redacted]\". A replay's own "
            + "calls are marked replayed. Empty for a runner with recording: off.")
    Recording recording(Caller caller, @PathVariable UUID id) {
        RunRow run = visible(caller, id);
        List<CallView> calls = store.calls(run.id(), null).stream()
                .map(c -> new CallView(c.stepId(), c.attempt(), c.itemIndex() < 0 ? null : c.itemIndex(), c.seq(), c.kind(), c.fingerprint(),
                        c.request(), c.response(), c.durationMs(), c.costUsd(), c.replayed()))
                .toList();
        return new Recording(run.id(), replays.sourceOf(run.id()), calls);
    }

    @PostMapping("/api/v1/runs/{id}/replay")
    @Operation(summary = "Replay a run from its recording", description = "Starts a new run (trigger type replay, replay_of the source) of "
            + "the same input on the given version (default: the source's), whose external calls are answered from the recording. mode strict "
            + "(default) fails a step whose call has no recorded answer, showing both requests; fallthrough sends such calls live and records them. "
            + "Approvals take their recorded decision, waits no time, worker tasks need no worker. A run of a version with recording: off is "
            + "422 RECORDING_OFF.")
    ResponseEntity<RunView> replay(Caller caller, @PathVariable UUID id, @RequestBody(required = false) ReplayRequest body) {
        ReplayRequest request = body == null ? new ReplayRequest(null, null) : body;
        Replays.Mode mode = mode(request.mode());
        if (request.version() != null && request.version() < 1) {
            throw ApiException.fieldErrors(Map.of("version", List.of("must be a published version number (1 or more), was " + request.version())));
        }
        RunRow source = visible(caller, id);
        if (source.parentRunId() != null) {
            throw ApiException.validation("run " + id + " is a child run: replay its top-level run " + source.parentRunId()
                    + " (a child run replays from its own recording with it)");
        }
        RunRow run = replays.replay(source, request.version(), mode, new Trigger("replay", source.id()), ProjectScope.of(caller.projectIds()));
        return ResponseEntity.created(URI.create("/api/v1/runs/" + run.id()))
                .body(RunView.of(run));
    }

    private static Replays.Mode mode(String mode) {
        if (mode == null || mode.equals("strict")) {
            return Replays.Mode.STRICT;
        }
        if (mode.equals("fallthrough")) {
            return Replays.Mode.FALLTHROUGH;
        }
        throw ApiException.fieldErrors(Map.of("mode", List.of("must be one of [strict, fallthrough], was '" + mode + "'")));
    }

    private RunRow visible(Caller caller, UUID runId) {
        return runs.find(caller.orgId(), runId).filter(r -> caller.sees(r.projectId())).orElseThrow(() -> ApiException.notFound("run", runId));
    }
}
