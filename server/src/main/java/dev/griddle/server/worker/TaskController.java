package dev.griddle.server.worker;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Reports on a claimed task. The lease token from the claim goes in the header
 * {@code X-Griddle-Lease-Token} or the body field {@code lease_token} (the header wins); without
 * either the request is a 422.
 */
@RestController
@RequestMapping("/api/v1/tasks/{id}")
class TaskController {

    static final String LEASE_HEADER = "X-Griddle-Lease-Token";
    static final int MAX_LINES = 1000;
    static final int MAX_LINE_LENGTH = 16 * 1024;

    record Heartbeat(Long leaseToken) {
    }

    record Complete(Long leaseToken, JsonNode output) {
    }

    record Failure(String message, Boolean retryable, JsonNode details) {
    }

    record Fail(Long leaseToken, Failure error) {
    }

    record Logs(Long leaseToken, String stream, List<String> lines) {
    }

    record Lease(UUID id, Instant leaseExpiresAt) {
    }

    record Reported(UUID id, String status) {
    }

    record Appended(UUID id, int appended) {
    }

    private final TaskReports reports;

    TaskController(TaskReports reports) {
        this.reports = reports;
    }

    @Operation(summary = "Extend a task's lease",
            description = "{lease_token}; a stale token is 409: the task has been or will be handed to another worker.")
    @PostMapping("/heartbeat")
    Lease heartbeat(Caller caller, @PathVariable UUID id, @RequestHeader(name = LEASE_HEADER, required = false) String header,
            @RequestBody(required = false) Heartbeat body) {
        WorkerController.requireProtocolRole(caller);
        long token = token(header, body == null ? null : body.leaseToken(), new FieldErrors());
        return new Lease(id, reports.heartbeat(caller.orgId(), scope(caller), id, token));
    }

    @Operation(summary = "Complete a task",
            description = "{lease_token, output}: the task step succeeds with that output. A stale lease token is 409.")
    @PostMapping("/complete")
    Reported complete(Caller caller, @PathVariable UUID id, @RequestHeader(name = LEASE_HEADER, required = false) String header,
            @RequestBody Complete body) {
        WorkerController.requireProtocolRole(caller);
        long token = token(header, body.leaseToken(), new FieldErrors());
        reports.complete(caller.orgId(), scope(caller), id, token, body.output() == null ? tools.jackson.databind.node.NullNode.getInstance() : body.output());
        return new Reported(id, "completed");
    }

    /** {@code retryable} (default true) decides whether the step's retry policy may try again. */
    @Operation(summary = "Fail a task",
            description = "{lease_token, error: {message, retryable}}: retried by the step's retry policy when retryable. A stale lease "
                    + "token is 409.")
    @PostMapping("/fail")
    Reported fail(Caller caller, @PathVariable UUID id, @RequestHeader(name = LEASE_HEADER, required = false) String header,
            @RequestBody Fail body) {
        WorkerController.requireProtocolRole(caller);
        FieldErrors errors = new FieldErrors().required("error", body.error());
        if (body.error() != null) {
            errors.required("error.message", body.error().message()).maxLength("error.message", body.error().message(), 10_000);
        }
        long token = token(header, body.leaseToken(), errors);
        reports.fail(caller.orgId(), scope(caller), id, token, body.error().message(), body.error().retryable() == null || body.error().retryable(),
                body.error().details());
        return new Reported(id, "failed");
    }

    /** Appends each line to the run's events as a {@code log} event with the task's step id. */
    @Operation(summary = "Append task log lines", description = "{lease_token, lines}: written as log events of the run.")
    @PostMapping("/logs")
    Appended logs(Caller caller, @PathVariable UUID id, @RequestHeader(name = LEASE_HEADER, required = false) String header,
            @RequestBody Logs body) {
        WorkerController.requireProtocolRole(caller);
        FieldErrors errors = new FieldErrors().required("lines", body.lines());
        if (body.lines() != null) {
            if (body.lines().size() > MAX_LINES) {
                errors.add("lines", "must have at most " + MAX_LINES + " entries, had " + body.lines().size());
            }
            if (body.lines().stream().anyMatch(l -> l == null || l.length() > MAX_LINE_LENGTH)) {
                errors.add("lines", "entries must be strings of at most " + MAX_LINE_LENGTH + " characters");
            }
        }
        if (body.stream() != null && !List.of("stdout", "stderr").contains(body.stream())) {
            errors.add("stream", "must be stdout or stderr, was '" + body.stream() + "'");
        }
        long token = token(header, body.leaseToken(), errors);
        if (!body.lines().isEmpty()) {
            reports.logs(caller.orgId(), scope(caller), id, token, body.stream(), body.lines());
        }
        return new Appended(id, body.lines().size());
    }

    private static long token(String header, Long bodyToken, FieldErrors errors) {
        Long token = bodyToken;
        if (header != null) {
            try {
                token = Long.parseLong(header.trim());
            } catch (NumberFormatException e) {
                throw ApiException.fieldErrors(Map.of(LEASE_HEADER, List.of("must be the integer lease_token from the claim, was '" + header + "'")));
            }
        }
        if (token == null) {
            errors.add("lease_token", "required: send the claim's lease_token in the " + LEASE_HEADER + " header or the body");
        }
        errors.throwIfAny();
        return token;
    }

    private static ProjectScope scope(Caller caller) {
        return ProjectScope.of(caller.projectIds());
    }
}
