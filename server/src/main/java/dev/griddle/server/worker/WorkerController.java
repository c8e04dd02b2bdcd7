package dev.griddle.server.worker;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.TaskRow;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.Role;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The worker registry and claiming. Protocol calls (register, heartbeat, claim) need a
 * {@code worker} or {@code admin} key; reading the registry is open to every role; draining (an
 * operator's act, or a worker's own on shutdown) to every role that may write.
 */
@RestController
@RequestMapping("/api/v1/workers")
public class WorkerController {

    record RegisterWorker(String name, String version, String os, String arch, List<String> labels, List<String> taskTypes,
            Integer maxConcurrency) {
    }

    record ClaimTasks(Integer max, Long waitMs) {
    }

    /** A claimed task; {@code lease_token} must come back with every report on it. */
    record ClaimedTask(UUID id, UUID runId, String stepId, Integer itemIndex, String taskType, JsonNode input, int attempt, Long timeoutMs,
            Instant leaseExpiresAt, long leaseToken) {
        static ClaimedTask of(TaskRow t) {
            return new ClaimedTask(t.id(), t.runId(), t.stepId(), t.itemIndex() < 0 ? null : t.itemIndex(), t.taskType(), t.input(),
                    t.attempt(), t.timeoutMs(), t.leaseExpiresAt(), t.leaseToken());
        }
    }

    record Claimed(List<ClaimedTask> data) {
    }

    static final int MAX_CLAIM = 100;
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}");

    private final WorkerStore workers;
    private final WorkerTaskHistory history;
    private final WorkerClaims claims;
    private final WorkerProperties props;
    private final Clock clock;

    WorkerController(WorkerStore workers, WorkerTaskHistory history, WorkerClaims claims, WorkerProperties props, Clock clock) {
        this.workers = workers;
        this.history = history;
        this.claims = claims;
        this.props = props;
        this.clock = clock;
    }

    /** Worker and admin keys only: the protocol is not for people's keys. */
    static void requireProtocolRole(Caller caller) {
        if (caller.role() != Role.WORKER && caller.role() != Role.ADMIN) {
            throw ApiException.forbidden("Role '" + caller.role().wireName() + "' may not use the worker protocol; use a key with role 'worker'");
        }
    }

    @Operation(summary = "Register a worker",
            description = "{name, version, os, arch, labels, task_types, max_concurrency}; the same name again is the same worker. Role worker.")
    @PostMapping
    ResponseEntity<Worker> register(Caller caller, @RequestBody RegisterWorker body) {
        requireProtocolRole(caller);
        FieldErrors errors = new FieldErrors().required("name", body.name()).maxLength("name", body.name(), 200)
                .maxLength("version", body.version(), 100).maxLength("os", body.os(), 100).maxLength("arch", body.arch(), 100);
        words("labels", body.labels(), errors);
        words("task_types", body.taskTypes(), errors);
        int max = body.maxConcurrency() == null ? 1 : body.maxConcurrency();
        if (max < 1 || max > 1000) {
            errors.add("max_concurrency", "must be between 1 and 1000, was " + max);
        }
        errors.throwIfAny();
        WorkerStore.Registered r = workers.register(caller.orgId(), new WorkerStore.Registration(body.name().trim(), body.version(),
                body.os(), body.arch(), distinct(body.labels()), distinct(body.taskTypes()), max), clock.instant());
        if (!r.created()) {
            return ResponseEntity.ok(r.worker());
        }
        return ResponseEntity.created(URI.create("/api/v1/workers/" + r.worker().id())).body(r.worker());
    }

    @Operation(summary = "List workers", description = "The organization's worker hosts, paged.")
    @GetMapping
    public PageQuery.Paged<Worker> list(Caller caller, PageQuery page) {
        Instant now = clock.instant();
        return page.result(workers.list(caller.orgId(), false, page, now), workers.count(caller.orgId(), false, now));
    }

    @Operation(summary = "List available workers", description = "Online and below their max_concurrency.")
    @GetMapping("/available")
    PageQuery.Paged<Worker> available(Caller caller, PageQuery page) {
        Instant now = clock.instant();
        return page.result(workers.list(caller.orgId(), true, page, now), workers.count(caller.orgId(), true, now));
    }

    @Operation(summary = "Get a worker", description = "{id, name, status: online|offline, version, os, arch, labels, task_types, running_tasks, "
            + "max_concurrency, last_heartbeat_at}.")
    @GetMapping("/{id}")
    Worker get(Caller caller, @PathVariable UUID id) {
        return workers.find(caller.orgId(), id, clock.instant()).orElseThrow(() -> ApiException.notFound("worker", id));
    }

    @Operation(summary = "A worker's task history", description = "Tasks it took, filtered by status, of the runs the key sees.")
    @GetMapping("/{id}/tasks")
    PageQuery.Paged<WorkerTaskHistory.Entry> tasks(Caller caller, PageQuery page, @PathVariable UUID id,
            @RequestParam(required = false) String status) {
        get(caller, id);
        if (status != null && !WorkerTaskHistory.STATUSES.contains(status)) {
            throw ApiException.fieldErrors(Map.of("status", List.of("must be one of " + WorkerTaskHistory.STATUSES + ", was '" + status + "'")));
        }
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        return page.result(history.list(caller.orgId(), scope, id, status, page), history.count(caller.orgId(), scope, id, status));
    }

    /** A sign of life; the answer is the worker, whose {@code status} tells a worker it was drained. */
    @Operation(summary = "Worker heartbeat", description = "Keeps the worker online; without one within the timeout it goes offline.")
    @PostMapping("/{id}/heartbeat")
    Worker heartbeat(Caller caller, @PathVariable UUID id) {
        requireProtocolRole(caller);
        if (!workers.heartbeat(caller.orgId(), id, clock.instant())) {
            throw ApiException.notFound("worker", id);
        }
        return get(caller, id);
    }

    /** No new tasks for this worker until it registers again; what it runs now finishes. */
    @Operation(summary = "Drain a worker", description = "It finishes its tasks and claims no new ones.")
    @PostMapping("/{id}/drain")
    Worker drain(Caller caller, @PathVariable UUID id) {
        get(caller, id);
        caller.requireAllProjects("drain workers");
        if (!workers.drain(caller.orgId(), id, clock.instant())) {
            throw ApiException.notFound("worker", id);
        }
        return get(caller, id);
    }

    /**
     * Long-polls for up to {@code wait_ms} (capped by {@code griddle.worker.max-claim-wait}):
     * {@code 200 {data: [task]}} as soon as anything is claimed, {@code 204} when nothing came,
     * {@code 409} when the worker is draining.
     */
    @Operation(summary = "Claim tasks",
            description = "{max, wait_ms}: long-polls for ready tasks whose task_type and runs_on labels this worker handles. 200 {data: "
                    + "[task]} or 204.")
    @PostMapping("/{id}/claim")
    ResponseEntity<Claimed> claim(Caller caller, @PathVariable UUID id, @RequestBody(required = false) ClaimTasks body)
            throws InterruptedException {
        requireProtocolRole(caller);
        ClaimTasks b = body == null ? new ClaimTasks(null, null) : body;
        FieldErrors errors = new FieldErrors();
        int max = b.max() == null ? 1 : b.max();
        if (max < 1 || max > MAX_CLAIM) {
            errors.add("max", "must be between 1 and " + MAX_CLAIM + ", was " + max);
        }
        long waitMs = b.waitMs() == null ? 0 : b.waitMs();
        if (waitMs < 0) {
            errors.add("wait_ms", "must be >= 0, was " + waitMs);
        }
        errors.throwIfAny();
        get(caller, id);
        List<TaskRow> claimed = claims.claim(caller.orgId(), ProjectScope.of(caller.projectIds()), id, max, Math.min(waitMs, props.maxClaimWait().toMillis()));
        if (claimed.isEmpty()) {
            return ResponseEntity.noContent().build();
        }
        return ResponseEntity.ok(new Claimed(claimed.stream().map(ClaimedTask::of).toList()));
    }

    private static void words(String field, List<String> values, FieldErrors errors) {
        if (values == null) {
            return;
        }
        if (values.size() > 100) {
            errors.add(field, "must have at most 100 entries, had " + values.size());
        }
        for (String v : values) {
            if (v == null || !WORD.matcher(v).matches()) {
                errors.add(field, "entries must be 1-100 characters of letters, digits and _.:/- (starting with a letter or digit), was '"
                        + v + "'");
            }
        }
    }

    private static List<String> distinct(List<String> values) {
        return values == null ? List.of() : values.stream().distinct().toList();
    }
}
