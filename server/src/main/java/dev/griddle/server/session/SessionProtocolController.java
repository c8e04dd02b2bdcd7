package dev.griddle.server.session;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.Role;
import dev.griddle.server.worker.WorkerProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.SmartLifecycle;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The worker protocol for sessions (docs/sessions.md), for {@code worker} (and {@code admin})
 * keys: {@code POST /workers/{id}/sessions/poll} long-polls for commands and renews the lease of
 * each session the worker lists with its {@code lease_token}; {@code POST
 * /workers/{id}/sessions/report} delivers numbered output, status and results. Both answer
 * {@code lost}: sessions the worker must kill, as it no longer holds them.
 */
@RestController
class SessionProtocolController implements SmartLifecycle {

    static final int MAX_LEASES = 1000;
    static final int MAX_REPORT_EVENTS = 5000;

    record Held(UUID id, Long leaseToken) {
    }

    record Poll(Long waitMs, List<Held> sessions) {
    }

    record PollAnswer(List<JsonNode> commands, List<UUID> lost) {
    }

    record SessionReport(UUID sessionId, Long leaseToken, JsonNode events) {
    }

    record Report(List<SessionReport> reports) {
    }

    record ReportAnswer(List<UUID> lost) {
    }

    private final SessionProtocol protocol;
    private final SessionHosts hosts;
    private final WorkerProperties workerProps;
    private final Clock clock;
    private volatile boolean running;

    SessionProtocolController(SessionProtocol protocol, SessionHosts hosts, WorkerProperties workerProps, Clock clock) {
        this.protocol = protocol;
        this.hosts = hosts;
        this.workerProps = workerProps;
        this.clock = clock;
    }

    static void requireProtocolRole(Caller caller) {
        if (caller.role() != Role.WORKER && caller.role() != Role.ADMIN) {
            throw ApiException.forbidden("Role '" + caller.role().wireName() + "' may not use the worker protocol; use a key with role 'worker'");
        }
    }

    private void requireWorker(Caller caller, UUID id) {
        requireProtocolRole(caller);
        hosts.find(caller.orgId(), id, clock.instant(), workerProps.heartbeatTimeout()).orElseThrow(() -> ApiException.notFound("worker", id));
    }

    @Operation(summary = "Poll for session commands", description = "Worker protocol: {wait_ms, sessions: [{id, lease_token}]} renews those leases, places pending sessions, long-polls for commands; answers {commands, lost}.")
    @PostMapping("/api/v1/workers/{id}/sessions/poll")
    PollAnswer poll(Caller caller, @PathVariable UUID id, @RequestBody(required = false) Poll body) throws InterruptedException {
        Poll b = body == null ? new Poll(null, null) : body;
        FieldErrors errors = new FieldErrors();
        long waitMs = b.waitMs() == null ? 0 : b.waitMs();
        if (waitMs < 0) {
            errors.add("wait_ms", "must be >= 0, was " + waitMs);
        }
        List<Held> held = b.sessions() == null ? List.of() : b.sessions();
        if (held.size() > MAX_LEASES) {
            errors.add("sessions", "must list at most " + MAX_LEASES + " sessions, had " + held.size());
        }
        for (Held h : held) {
            if (h == null || h.id() == null || h.leaseToken() == null) {
                errors.add("sessions", "each needs id and lease_token");
                break;
            }
        }
        errors.throwIfAny();
        requireWorker(caller, id);
        List<SessionProtocol.Lease> leases = held.stream().map(h -> new SessionProtocol.Lease(h.id(), h.leaseToken())).toList();
        SessionProtocol.PollAnswer answer = protocol.poll(caller.orgId(), ProjectScope.of(caller.projectIds()), id, leases,
                Math.min(waitMs, workerProps.maxClaimWait().toMillis()), () -> running);
        return new PollAnswer(answer.commands(), answer.lost());
    }

    @Operation(summary = "Report session events", description = "Worker protocol: numbered output, status and results per session, applied once and only under the current lease token; answers {lost}.")
    @PostMapping("/api/v1/workers/{id}/sessions/report")
    ReportAnswer report(Caller caller, @PathVariable UUID id, @RequestBody Report body) {
        FieldErrors errors = new FieldErrors();
        List<SessionReport> reports = body.reports() == null ? List.of() : body.reports();
        int total = 0;
        for (SessionReport r : reports) {
            if (r == null || r.sessionId() == null || r.leaseToken() == null || r.events() == null || !r.events().isArray()) {
                errors.add("reports", "each needs session_id, lease_token and a list events");
                break;
            }
            total += r.events().size();
        }
        if (total > MAX_REPORT_EVENTS) {
            errors.add("reports", "at most " + MAX_REPORT_EVENTS + " events in one report, had " + total);
        }
        errors.throwIfAny();
        requireWorker(caller, id);
        List<UUID> lost = new ArrayList<>();
        for (SessionReport r : reports) {
            if (!protocol.report(caller.orgId(), ProjectScope.of(caller.projectIds()), id, r.sessionId(), r.leaseToken(), r.events())) {
                lost.add(r.sessionId());
            }
        }
        return new ReportAnswer(lost);
    }

    /** Stopped before the web server's graceful shutdown, so that long polls end at once. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
