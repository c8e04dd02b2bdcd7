package dev.griddle.server.console;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.Approval;
import dev.griddle.server.engine.ApprovalStore;
import dev.griddle.server.engine.CancelMode;
import dev.griddle.server.engine.EngineQueries;
import dev.griddle.server.engine.EventLog;
import dev.griddle.server.engine.RunCommands;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStatus;
import dev.griddle.server.engine.StepRow;
import dev.griddle.server.runner.RunnerCatalog;
import dev.griddle.server.runner.StepSpec;
import dev.griddle.server.trace.TraceReader;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.CallerResolver;
import dev.griddle.server.web.RoleRules;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's pages: sign-in, the runs feed, a run's page and the approvals inbox. Each page
 * reads and each action writes through the services the API's controllers use, as the signed-in
 * key: its organization, its projects, and its role by the API route the action performs.
 */
@Hidden
@Controller
class ConsoleController {

    static final String SIGN_IN_COOKIE = "griddle_console_signin";
    /** The runs feed's runner filter lists this many runners at most (by name). */
    private static final int MAX_RUNNERS_LISTED = 500;
    private static final Set<String> TRIGGERS = Set.of("api", "cron", "webhook", "runner");

    private final ConsoleSessions sessions;
    private final ConsolePages pages;
    private final RunReader runs;
    private final RunCommands commands;
    private final ApprovalStore approvals;
    private final EngineQueries queries;
    private final RunnerCatalog catalog;
    private final EventLog events;
    private final TraceReader traces;
    private final java.time.Clock clock;
    private final ConsoleQueries consoleQueries;
    private final int pageSize;
    private final int timelineLimit;

    ConsoleController(ConsoleSessions sessions, ConsolePages pages, RunReader runs, RunCommands commands, ApprovalStore approvals,
            EngineQueries queries, RunnerCatalog catalog, EventLog events, TraceReader traces, java.time.Clock clock, ConsoleQueries consoleQueries, ConsoleProperties props) {
        this.consoleQueries = consoleQueries;
        this.sessions = sessions;
        this.pages = pages;
        this.runs = runs;
        this.commands = commands;
        this.approvals = approvals;
        this.queries = queries;
        this.catalog = catalog;
        this.events = events;
        this.traces = traces;
        this.clock = clock;
        this.pageSize = props.pageSize();
        this.timelineLimit = props.timelineLimit();
    }

    @GetMapping("/console")
    ResponseEntity<Void> home() {
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/console/runs").build();
    }

    /**
     * The sign-in form. It carries a fresh CSRF token, also set in a {@code SameSite=Strict} cookie
     * for the form's path: a sign-in post must carry both, equal (double submit), so another site
     * cannot sign a browser in with its own key.
     */
    @GetMapping(ConsoleFilter.SIGN_IN)
    ResponseEntity<String> signInForm(HttpServletRequest request) {
        return signInPage(200, "", request);
    }

    @PostMapping(ConsoleFilter.SIGN_IN)
    ResponseEntity<String> signIn(@RequestParam(name = "api_key", defaultValue = "") String apiKey,
            @RequestParam(name = "_csrf", defaultValue = "") String csrf, HttpServletRequest request) {
        String expected = ConsoleFilter.cookie(request, SIGN_IN_COOKIE).orElse("");
        if (expected.isEmpty() || !ConsoleFilter.sameToken(expected, csrf)) {
            return signInPage(403, "This sign-in form is stale or was not sent by the console. Try again.", request);
        }
        String[] token = {null};
        CallerResolver.Result result = apiKey.isBlank() ? new CallerResolver.Result.Refused("Enter an API key")
                : sessions.signIn(apiKey.trim(), t -> token[0] = t);
        if (result instanceof CallerResolver.Result.Refused refused) {
            return signInPage(401, refused.reason(), request);
        }
        ResponseCookie cookie = ResponseCookie.from(ConsoleFilter.COOKIE, token[0]).httpOnly(true).sameSite("Strict")
                .secure(request.isSecure()).path("/console").maxAge(sessions.ttl()).build();
        return ResponseEntity.status(303).header(HttpHeaders.SET_COOKIE, cookie.toString()).header(HttpHeaders.LOCATION, "/console/runs").build();
    }

    @PostMapping("/console/sign-out")
    ResponseEntity<Void> signOut(HttpServletRequest request) {
        ConsoleFilter.cookie(request).ifPresent(sessions::signOut);
        ResponseCookie gone = ResponseCookie.from(ConsoleFilter.COOKIE, "").httpOnly(true).sameSite("Strict")
                .secure(request.isSecure()).path("/console").maxAge(0).build();
        return ResponseEntity.status(303).header(HttpHeaders.SET_COOKIE, gone.toString()).header(HttpHeaders.LOCATION, ConsoleFilter.SIGN_IN).build();
    }

    @GetMapping("/console/runs")
    ResponseEntity<String> runsFeed(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(name = "runner_id", required = false) UUID runnerId, @RequestParam(required = false) String status,
            @RequestParam(name = "trigger_type", required = false) String trigger, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(defaultValue = "1") int page) {
        Caller caller = session.caller();
        String s = blank(status);
        String t = blank(trigger);
        if (s != null && java.util.Arrays.stream(RunStatus.values()).noneMatch(v -> v.wire().equals(s))) {
            throw ApiException.fieldErrors(Map.of("status", List.of("unknown status '" + s + "'")));
        }
        if (t != null && !TRIGGERS.contains(t)) {
            throw ApiException.fieldErrors(Map.of("trigger_type", List.of("must be one of " + TRIGGERS + ", was '" + t + "'")));
        }
        int p = Math.max(1, Math.min(page, 10_000));
        RunReader.RunFilter filter = new RunReader.RunFilter(runnerId, s, t, time("from", from), time("to", to),
                caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new));
        List<RunRow> rows = runs.list(caller.orgId(), filter, pageSize, (long) (p - 1) * pageSize);
        long total = runs.count(caller.orgId(), filter);
        Map<String, Object> params = pages.common(session, "Runs");
        params.put("runs", rows);
        params.put("runnerNames", consoleQueries.runnerNames(caller.orgId(), filter.projectIds(), MAX_RUNNERS_LISTED));
        params.put("total", total);
        params.put("pageNo", p);
        params.put("pages", Math.max(1, (total + pageSize - 1) / pageSize));
        params.put("filters", Map.of("runner_id", runnerId == null ? "" : runnerId.toString(), "status", s == null ? "" : s,
                "trigger_type", t == null ? "" : t, "from", from == null ? "" : from, "to", to == null ? "" : to));
        return pages.page("runs", params);
    }

    @GetMapping("/console/runs/{id}")
    ResponseEntity<String> run(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Map<String, Object> params = pages.common(session, "Run " + id);
        params.putAll(runModel(session.caller(), id));
        return pages.page("run", params);
    }

    /** The live part of a run's page (state, graph, steps, approvals), fetched again on each change of the run. */
    @GetMapping("/console/runs/{id}/live")
    ResponseEntity<String> runLive(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Map<String, Object> params = pages.common(session, "");
        params.putAll(runModel(session.caller(), id));
        return pages.page("runlive", params);
    }

    @PostMapping("/console/runs/{id}/{action:pause|resume|cancel|retry}")
    ResponseEntity<Void> command(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @PathVariable String action, @RequestParam(required = false) String mode) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/runs/" + id + "/" + action);
        visible(caller, id);
        switch (action) {
            case "pause" -> commands.pause(caller.orgId(), id);
            case "resume" -> commands.resume(caller.orgId(), id, null);
            case "cancel" -> commands.cancel(caller.orgId(), id, CancelMode.fromWire(mode == null ? "immediate" : mode)
                    .orElseThrow(() -> ApiException.fieldErrors(Map.of("mode", List.of("must be immediate or graceful, was '" + mode + "'")))));
            default -> commands.retry(caller.orgId(), id);
        }
        return seeOther("/console/runs/" + id);
    }

    @GetMapping("/console/approvals")
    ResponseEntity<String> inbox(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session) {
        Caller caller = session.caller();
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        Map<String, Object> params = pages.common(session, "Approvals");
        params.put("approvals", approvals.list(caller.orgId(), scope, "pending", null, pageSize, 0));
        params.put("total", approvals.count(caller.orgId(), scope, "pending", null));
        return pages.page("approvals", params);
    }

    @PostMapping("/console/approvals/{id}/complete")
    ResponseEntity<Void> complete(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(required = false) String decision, @RequestParam(defaultValue = "") String comment) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/approvals/" + id + "/complete");
        Approval approval = approvals.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("approval", id));
        visible(caller, approval.runId());
        if (!"approve".equals(decision) && !"reject".equals(decision)) {
            throw ApiException.fieldErrors(Map.of("decision", List.of("must be approve or reject")));
        }
        if (comment.length() > 10_000) {
            throw ApiException.fieldErrors(Map.of("comment", List.of("must be at most 10000 characters")));
        }
        commands.completeApproval(caller.orgId(), id, decision.equals("approve"), comment.isBlank() ? null : comment, null, caller.keyId());
        return seeOther("/console/approvals");
    }

    private ResponseEntity<String> signInPage(int status, String error, HttpServletRequest request) {
        String token = ConsoleSessions.randomToken();
        ResponseCookie cookie = ResponseCookie.from(SIGN_IN_COOKIE, token).httpOnly(true).sameSite("Strict")
                .secure(request.isSecure()).path(ConsoleFilter.SIGN_IN).maxAge(java.time.Duration.ofHours(1)).build();
        ResponseEntity<String> page = pages.page(status, "signin", Map.of("error", error, "csrf", token));
        return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders()).header(HttpHeaders.SET_COOKIE, cookie.toString()).body(page.getBody());
    }

    private Map<String, Object> runModel(Caller caller, UUID id) {
        RunRow run = visible(caller, id);
        List<StepSpec> specs = catalog.version(run.orgId(), run.runnerId(), run.runnerVersion()).map(r -> r.spec().steps()).orElse(List.of());
        List<StepRow.View> steps = queries.steps(run, specs.stream().map(StepSpec::id).toList());
        Map<String, Object> model = new HashMap<>();
        model.put("run", run);
        model.put("steps", steps);
        model.put("graph", ConsoleGraph.of(specs, steps));
        model.put("approvals", approvals.list(caller.orgId(), ProjectScope.ALL, "pending", run.id(), pageSize, 0));
        Map<String, String> inputs = new HashMap<>();
        specs.forEach(spec -> inputs.put(spec.id(), spec.with() == null ? "" : spec.with().toPrettyString()));
        model.put("inputs", inputs);
        model.put("events", events.after(caller.orgId(), run.id(), 0, timelineLimit));
        model.put("timelineLimit", timelineLimit);
        model.put("trace", ConsoleWaterfall.of(traces.spans(run), clock.instant()));
        return model;
    }

    private RunRow visible(Caller caller, UUID id) {
        return runs.visible(caller.orgId(), ProjectScope.of(caller.projectIds()), id).orElseThrow(() -> ApiException.notFound("run", id));
    }

    private static ResponseEntity<Void> seeOther(String location) {
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, location).build();
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
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
