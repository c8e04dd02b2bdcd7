package dev.griddle.server.session;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.auth.ProjectStore;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.EventStreams;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.worker.WorkerProperties;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The public session routes (docs/sessions.md): sessions, their timeline, commands and files; templates; a host's pods. */
@RestController
public class SessionController {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}");
    private static final Pattern FILE_PATH = Pattern.compile("[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+){0,31}");
    private static final Duration MAX_STREAM = Duration.ofHours(1);
    static final int MAX_METADATA_BYTES = 16 * 1024;

    record CreateSession(String template, String initialPrompt, List<String> labels, UUID projectId, JsonNode metadata) {
    }

    public record Message(String content) {
    }

    record Exec(JsonNode command, Long timeoutMs) {
    }

    record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {
    }

    public record Feed(List<SessionStore.Event> data, Cursor meta) {
        public record Cursor(String nextCursor) {
        }
    }

    public record Host(UUID workerId, String workerName, String status, List<String> labels, boolean exec, long idleAfterMs, long maxDurationMs,
            long maxOutputBytes, int maxPods) {
    }

    public record Template(String name, List<Host> hosts) {
    }

    record Pod(UUID key, String status, String agentTypeId, String initialPrompt, Instant createdAt) {
    }

    record Pods(List<Pod> pods, long total, int limit, long offset) {
    }

    private final Sessions sessions;
    private final SessionStore store;
    private final SessionHosts hosts;
    private final ProjectStore projects;
    private final SessionProperties props;
    private final WorkerProperties workerProps;
    private final EventStreams streams;
    private final SessionEventStream eventStream;
    private final Clock clock;

    SessionController(Sessions sessions, SessionStore store, SessionHosts hosts, ProjectStore projects, SessionProperties props,
            WorkerProperties workerProps, EventStreams streams, SessionEventStream eventStream, Clock clock) {
        this.eventStream = eventStream;
        this.sessions = sessions;
        this.store = store;
        this.hosts = hosts;
        this.projects = projects;
        this.props = props;
        this.workerProps = workerProps;
        this.streams = streams;
        this.clock = clock;
    }

    /** The session if the caller may see it; another organization's or project's is 404. */
    Session visible(Caller caller, UUID id) {
        return store.find(caller.orgId(), id).filter(s -> caller.sees(s.projectId())).orElseThrow(() -> ApiException.notFound("session", id));
    }

    @Operation(summary = "Create a session", description = "{template, initial_prompt, labels?, project_id?, metadata?}: pending until a worker offering the template places it. 422 when no worker offers it, 429 at the organization's cap.")
    @PostMapping("/api/v1/sessions")
    ResponseEntity<Session> create(Caller caller, @RequestBody CreateSession body) {
        FieldErrors errors = new FieldErrors().required("template", body.template()).required("initial_prompt", body.initialPrompt())
                .maxLength("initial_prompt", body.initialPrompt(), props.maxMessageLength());
        if (body.template() != null && !WORD.matcher(body.template()).matches()) {
            errors.add("template", "must be 1-100 letters, digits and _.:/-, was '" + body.template() + "'");
        }
        List<String> labels = body.labels() == null ? List.of() : body.labels().stream().distinct().toList();
        if (labels.size() > 100 || labels.stream().anyMatch(l -> l == null || !WORD.matcher(l).matches())) {
            errors.add("labels", "must be at most 100 entries of 1-100 letters, digits and _.:/-");
        }
        JsonNode metadata = body.metadata() == null || body.metadata().isNull() ? JsonNodeFactory.instance.objectNode() : body.metadata();
        if (!metadata.isObject()) {
            errors.add("metadata", "must be an object");
        } else if (metadata.toString().length() > MAX_METADATA_BYTES) {
            errors.add("metadata", "must be at most " + MAX_METADATA_BYTES + " bytes of JSON");
        }
        if (body.projectId() != null && projects.find(caller.orgId(), body.projectId()).filter(p -> caller.sees(p.id())).isEmpty()) {
            errors.add("project_id", "no such project: " + body.projectId());
        }
        if (body.projectId() == null && !caller.allProjects()) {
            errors.add("project_id", "required for a key limited to some projects: name one of its projects");
        }
        errors.throwIfAny();
        Session s = sessions.create(caller.orgId(), body.projectId(), body.template(), body.initialPrompt(), labels, metadata, null, null);
        return ResponseEntity.created(URI.create("/api/v1/sessions/" + s.id())).body(s);
    }

    @Operation(summary = "List sessions", description = "Newest first; filters status, worker_id, template.")
    @GetMapping("/api/v1/sessions")
    public PageQuery.Paged<Session> list(Caller caller, PageQuery page, @RequestParam(required = false) String status,
            @RequestParam(name = "worker_id", required = false) UUID workerId, @RequestParam(required = false) String template) {
        status(status);
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        return page.result(store.list(caller.orgId(), scope, status, workerId, template, page.perPage(), page.offset()),
                store.count(caller.orgId(), scope, status, workerId, template));
    }

    private static void status(String status) {
        if (status != null && !SessionStore.STATUSES.contains(status)) {
            throw ApiException.fieldErrors(Map.of("status", List.of("must be one of " + SessionStore.STATUSES + ", was '" + status + "'")));
        }
    }

    @Operation(summary = "Get a session", description = "Status, exit code and reason, its worker, its run step if a session step started it.")
    @GetMapping("/api/v1/sessions/{id}")
    public Session get(Caller caller, @PathVariable UUID id) {
        return visible(caller, id);
    }

    @Operation(summary = "Send a message", description = "{content}: one line on the session's stdin. 409 unless starting, running or idle.")
    @PostMapping("/api/v1/sessions/{id}/messages")
    public ResponseEntity<Session> message(Caller caller, @PathVariable UUID id, @RequestBody Message body) {
        visible(caller, id);
        new FieldErrors().required("content", body.content()).maxLength("content", body.content(), props.maxMessageLength()).throwIfAny();
        sessions.message(caller.orgId(), id, body.content());
        return ResponseEntity.accepted().body(visible(caller, id));
    }

    @Operation(summary = "Run a command in the workdir", description = "{command, timeout_ms} -> {exit_code, stdout, stderr, timed_out}; only where the template allows exec (else 409).")
    @PostMapping("/api/v1/sessions/{id}/exec")
    ExecResult exec(Caller caller, @PathVariable UUID id, @RequestBody Exec body) {
        visible(caller, id);
        FieldErrors errors = new FieldErrors();
        JsonNode command = body.command();
        boolean argv = command != null && command.isArray() && !command.isEmpty() && command.size() <= 200
                && java.util.stream.StreamSupport.stream(command.spliterator(), false).allMatch(JsonNode::isString);
        if (command == null || !(argv || command.isString() && !command.asString().isBlank())) {
            errors.add("command", "required: a shell command string, or an argv (a list of 1..200 strings)");
        } else if (command.toString().length() > 100_000) {
            errors.add("command", "must be at most 100000 characters");
        }
        long timeout = body.timeoutMs() == null ? 30_000 : body.timeoutMs();
        if (timeout < 1 || timeout > props.maxExecTimeout().toMillis()) {
            errors.add("timeout_ms", "must be between 1 and " + props.maxExecTimeout().toMillis() + " (griddle.session.max-exec-timeout), was " + timeout);
        }
        errors.throwIfAny();
        JsonNode r = sessions.exec(caller.orgId(), id, command, timeout);
        return new ExecResult(r.path("exit_code").asInt(-1), r.path("stdout").asString(""), r.path("stderr").asString(""),
                r.path("timed_out").asBoolean(false));
    }

    @Operation(summary = "The session's timeline", description = "Output lines in order, messages, status changes, exec results; a cursor feed (after, limit).")
    @GetMapping("/api/v1/sessions/{id}/events")
    public Feed events(Caller caller, @PathVariable UUID id, @RequestParam(required = false) String after, @RequestParam(required = false) String limit) {
        visible(caller, id);
        long cursor = cursor(after);
        int max = limit(limit);
        List<SessionStore.Event> page = store.events(caller.orgId(), id, cursor, max);
        return new Feed(page, new Feed.Cursor(Long.toString(page.isEmpty() ? cursor : page.getLast().seq())));
    }

    /** The timeline as Server-Sent Events ({@code id: <seq>}), resuming after {@code Last-Event-ID}; ends once the session has ended. */
    @Operation(summary = "Stream the timeline", description = "Server-Sent Events, id = seq, resuming after Last-Event-ID; ends when the session has ended.")
    @GetMapping(path = "/api/v1/sessions/{id}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(Caller caller, @PathVariable UUID id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(required = false) String after) {
        visible(caller, id);
        long from = cursor(lastEventId != null ? lastEventId : after);
        SseEmitter emitter = streams.open(caller, MAX_STREAM);
        eventStream.feed(emitter, caller.orgId(), id, from, MAX_STREAM);
        return emitter;
    }

    @Operation(summary = "Cancel a session", description = "SIGTERM, then SIGKILL after the grace period; a pending session ends at once.")
    @PostMapping("/api/v1/sessions/{id}/cancel")
    public ResponseEntity<Session> cancel(Caller caller, @PathVariable UUID id) {
        visible(caller, id);
        return ResponseEntity.accepted().body(sessions.cancel(caller.orgId(), id, "cancelled"));
    }

    @Operation(summary = "Archive a session", description = "Drops its workdir on the host, keeps the timeline; 409 while it runs.")
    @PostMapping("/api/v1/sessions/{id}/archive")
    public Session archive(Caller caller, @PathVariable UUID id) {
        visible(caller, id);
        return sessions.archive(caller.orgId(), id);
    }

    @Operation(summary = "Put a file into the workdir", description = "The raw body (at most griddle.session.max-file-size) at a relative path without ..")
    @PutMapping(path = "/api/v1/sessions/{id}/files/{*path}")
    ResponseEntity<Map<String, Object>> putFile(Caller caller, @PathVariable UUID id, @PathVariable String path,
            @RequestBody(required = false) byte[] content) {
        visible(caller, id);
        String relative = filePath(path);
        byte[] bytes = content == null ? new byte[0] : content;
        if (bytes.length > props.maxFileSize().toBytes()) {
            throw ApiException.tooLarge(props.maxFileSize().toBytes());
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("path", relative).put("content_base64", Base64.getEncoder().encodeToString(bytes));
        JsonNode r = sessions.file(caller.orgId(), id, "put_file", body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", relative);
        out.put("size", r.path("size").asLong(bytes.length));
        return ResponseEntity.ok(out);
    }

    @Operation(summary = "Get a file from the workdir", description = "The file's bytes; 404 when it is missing or the session is not running on a host.")
    @GetMapping(path = "/api/v1/sessions/{id}/files/{*path}")
    ResponseEntity<byte[]> getFile(Caller caller, @PathVariable UUID id, @PathVariable String path) {
        Session session = visible(caller, id);
        if (!session.placed()) {
            throw ApiException.notFound("No files of session " + id + ": it is " + session.status() + ", not running on a host");
        }
        String relative = filePath(path);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("path", relative).put("max_bytes", props.maxFileSize().toBytes());
        JsonNode r = sessions.file(caller.orgId(), id, "get_file", body);
        if (r.path("missing").asBoolean(false)) {
            throw ApiException.notFound("No file '" + relative + "' in the working directory of session " + id);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(Base64.getDecoder().decode(r.path("content_base64").asString("")));
    }

    private static String filePath(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (!FILE_PATH.matcher(relative).matches() || List.of(relative.split("/")).stream().anyMatch(p -> p.equals("..") || p.equals("."))) {
            throw ApiException.fieldErrors(Map.of("path", List.of("must be a relative path of letters, digits and _.- segments (no '..'), was '"
                    + relative + "'")));
        }
        return relative;
    }

    @Operation(summary = "List session templates", description = "The templates worker hosts announced, each with the hosts that offer it (read-only).")
    @GetMapping("/api/v1/session-templates")
    public PageQuery.Paged<Template> templates(Caller caller, PageQuery page) {
        Instant now = clock.instant();
        Map<String, List<Host>> byName = new java.util.TreeMap<>();
        for (SessionHosts.Host h : hosts.all(caller.orgId(), now, workerProps.heartbeatTimeout())) {
            String status = !h.online() ? "offline" : h.draining() ? "draining" : "online";
            for (JsonNode t : h.templates()) {
                List<String> labels = new ArrayList<>();
                t.path("labels").forEach(l -> labels.add(l.asString()));
                byName.computeIfAbsent(t.path("name").asString(), k -> new ArrayList<>()).add(new Host(h.id(), h.name(), status, labels,
                        t.path("exec").asBoolean(false), t.path("idle_after_ms").asLong(0), t.path("max_duration_ms").asLong(0),
                        t.path("max_output_bytes").asLong(0), h.maxPods()));
            }
        }
        List<Template> all = byName.entrySet().stream().map(e -> new Template(e.getKey(), e.getValue())).toList();
        int from = (int) Math.min(all.size(), page.offset());
        return page.result(all.subList(from, Math.min(all.size(), from + page.perPage())), all.size());
    }

    /** AgentsMesh's shape: {@code {pods: [{key, status, agent_type_id, initial_prompt, created_at}], total, limit, offset}}. */
    @Operation(summary = "A host's pods", description = "AgentsMesh's shape {pods: [{key, status, agent_type_id, initial_prompt, created_at}], total, limit, offset}; limit 1..100, offset >= 0.")
    @GetMapping("/api/v1/workers/{id}/pods")
    Pods pods(Caller caller, @PathVariable UUID id, @RequestParam(required = false) String status, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String offset) {
        FieldErrors errors = new FieldErrors();
        int l = (int) number("limit", limit, 20, 1, 100, errors);
        long o = number("offset", offset, 0, 0, PageQuery.MAX_DEPTH, errors);
        if (status != null && !SessionStore.STATUSES.contains(status)) {
            errors.add("status", "must be one of " + SessionStore.STATUSES + ", was '" + status + "'");
        }
        errors.throwIfAny();
        hosts.find(caller.orgId(), id, clock.instant(), workerProps.heartbeatTimeout()).orElseThrow(() -> ApiException.notFound("worker", id));
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        List<Pod> pods = store.list(caller.orgId(), scope, status, id, null, l, o).stream()
                .map(s -> new Pod(s.id(), s.status(), s.template(), s.initialPrompt(), s.createdAt())).toList();
        return new Pods(pods, store.count(caller.orgId(), scope, status, id, null), l, o);
    }

    private static long number(String name, String value, long fallback, long min, long max, FieldErrors errors) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(name, "must be an integer between " + min + " and " + max + ", was '" + value + "'");
        return fallback;
    }

    private static long cursor(String after) {
        if (after == null || after.isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(after.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.fieldErrors(Map.of("after", List.of("must be a cursor from meta.next_cursor (a non-negative integer), was '" + after + "'")));
    }

    private static int limit(String limit) {
        FieldErrors errors = new FieldErrors();
        int v = (int) number("limit", limit, 100, 1, 1000, errors);
        errors.throwIfAny();
        return v;
    }
}
