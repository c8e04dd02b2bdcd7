package dev.griddle.server.console;

import dev.griddle.server.engine.Wakeups;
import dev.griddle.server.session.Session;
import dev.griddle.server.session.SessionController;
import dev.griddle.server.session.SessionProperties;
import dev.griddle.server.session.SessionStore;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.EventStreams;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RoleRules;
import dev.griddle.server.worker.Worker;
import dev.griddle.server.worker.WorkerController;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The console's sessions: the list (filters by status, template and worker), a session's page
 * with its timeline kept live over SSE, a message box for its stdin, cancel and archive; and the
 * session templates with the hosts that offer them. Every read and write goes through the public
 * session API's own controller methods, as the signed-in key, after the API's role rule for the
 * route the action stands for.
 */
@Hidden
@Controller
public class ConsoleSessionPages {

    /** A session's page shows at most this many timeline events; a link pages on to the next ones. */
    static final int TIMELINE = 1000;
    private static final Duration MAX_STREAM = Duration.ofHours(1);

    /** A timeline entry as the page shows it: seq, type, time, and one line of text. */
    public record Line(long seq, String type, String at, String text, String stream) {
    }

    private final ConsolePages pages;
    private final SessionController sessions;
    private final WorkerController workers;
    private final EventStreams streams;
    private final java.time.Duration keepAlive;
    private final int pageSize;
    private final Wakeups wakeups;
    /** How long the page's stream waits for news before it looks anyway (another node's events). */
    private final Duration fallbackPoll;

    ConsoleSessionPages(ConsolePages pages, SessionController sessions, WorkerController workers, EventStreams streams,
            dev.griddle.server.GriddleProperties griddle, ConsoleProperties props, Wakeups wakeups, SessionProperties sessionProps) {
        this.wakeups = wakeups;
        this.fallbackPoll = sessionProps.streamFallbackPoll();
        this.pages = pages;
        this.sessions = sessions;
        this.workers = workers;
        this.streams = streams;
        this.keepAlive = griddle.http().sseKeepAlive();
        this.pageSize = props.pageSize();
    }

    @GetMapping("/console/sessions")
    ResponseEntity<String> list(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(required = false) String status, @RequestParam(required = false) String template,
            @RequestParam(name = "worker_id", required = false) String workerId, @RequestParam(defaultValue = "1") int page) {
        Caller caller = session.caller();
        String s = blank(status);
        String t = blank(template);
        UUID w = uuid("worker_id", blank(workerId));
        PageQuery q = new PageQuery(Math.max(1, Math.min(page, 1000)), pageSize);
        PageQuery.Paged<Session> found = sessions.list(caller, q, s, w, t);
        Map<UUID, String> workerNames = workerNames(caller);
        Map<String, Object> params = pages.common(session, "Sessions");
        params.put("sessions", found.data());
        params.put("total", found.meta().total());
        params.put("pageNo", q.page());
        params.put("more", (long) q.page() * q.perPage() < found.meta().total());
        params.put("statuses", SessionStore.STATUSES);
        params.put("templates", sessions.templates(caller, new PageQuery(1, PageQuery.MAX_PER_PAGE)).data().stream()
                .map(SessionController.Template::name).toList());
        params.put("workerNames", workerNames);
        params.put("filters", Map.of("status", s == null ? "" : s, "template", t == null ? "" : t, "worker_id", w == null ? "" : w.toString()));
        return pages.page("sessions", params);
    }

    @GetMapping("/console/sessions/{id}")
    ResponseEntity<String> session(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(required = false) String after) {
        Map<String, Object> params = pages.common(session, "Session " + id);
        params.putAll(model(session.caller(), id, after));
        return pages.page("session", params);
    }

    /** The live part of a session's page (status, actions, timeline), fetched again on each change. */
    @GetMapping("/console/sessions/{id}/live")
    ResponseEntity<String> live(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(required = false) String after) {
        Map<String, Object> params = pages.common(session, "");
        params.putAll(model(session.caller(), id, after));
        return pages.page("sessionlive", params);
    }

    /**
     * {@code GET /console/sessions/{id}/stream}: a {@code changed} event whenever the session's
     * timeline grows or its status changes, read through the API's own timeline route; it ends
     * once the session has ended. {@code seen} is the last event the page shows. Opened through {@link EventStreams}, so the key's stream limit
     * holds and a revoked key ends it.
     */
    @GetMapping(path = "/console/sessions/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(required = false) String seen) {
        Caller caller = session.caller();
        Session first = sessions.get(caller, id);
        sessions.events(caller, id, seen, "1"); // the API's own check of the cursor: 422 when it is not one
        long cursor = seen == null || seen.isBlank() ? 0 : Long.parseLong(seen.strip());
        SseEmitter emitter = streams.open(caller, MAX_STREAM);
        Semaphore news = new Semaphore(0);
        AutoCloseable subscription = wakeups.onSessionEvents(id, news::release);
        Thread.ofVirtual().name("console-session-sse-" + id).start(() -> {
            try (subscription) {
                pump(caller, id, first.status(), cursor, emitter, news);
            } catch (Exception e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    @PostMapping("/console/sessions/{id}/messages")
    ResponseEntity<Void> message(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(defaultValue = "") String content) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/sessions/" + id + "/messages");
        sessions.message(caller, id, new SessionController.Message(content));
        return seeOther("/console/sessions/" + id);
    }

    @PostMapping("/console/sessions/{id}/{action:cancel|archive}")
    ResponseEntity<Void> command(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @PathVariable String action) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/sessions/" + id + "/" + action);
        if (action.equals("cancel")) {
            sessions.cancel(caller, id);
        } else {
            sessions.archive(caller, id);
        }
        return seeOther("/console/sessions/" + id);
    }

    @GetMapping("/console/session-templates")
    ResponseEntity<String> templates(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(defaultValue = "1") int page) {
        PageQuery q = new PageQuery(Math.max(1, Math.min(page, 100)), PageQuery.MAX_PER_PAGE);
        PageQuery.Paged<SessionController.Template> found = sessions.templates(session.caller(), q);
        List<List<String>> rows = new ArrayList<>();
        for (SessionController.Template t : found.data()) {
            for (SessionController.Host h : t.hosts()) {
                rows.add(List.of(t.name(), h.workerName(), h.status(), String.join(", ", h.labels()), h.exec() ? "yes" : "no",
                        millis(h.idleAfterMs()), millis(h.maxDurationMs()), Integer.toString(h.maxPods())));
            }
        }
        Map<String, Object> params = pages.common(session, "Session templates");
        params.put("table", new ConsoleDirectory.Table("Session templates", "The templates worker hosts announce, one row per host that offers it.",
                List.of("Template", "Host", "Status", "Labels", "Exec", "Idle after", "Max duration", "Max pods"), rows, found.meta().total(), q.page(),
                (long) q.page() * q.perPage() < found.meta().total(), "/console/session-templates"));
        return pages.page("table", params);
    }

    /** The session and a page of its timeline: at most {@link #TIMELINE} events after the cursor {@code after} (from the start by default). */
    private Map<String, Object> model(Caller caller, UUID id, String after) {
        Session s = sessions.get(caller, id);
        SessionController.Feed feed = sessions.events(caller, id, after, Integer.toString(TIMELINE));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("s", s);
        model.put("lines", feed.data().stream().map(ConsoleSessionPages::line).toList());
        model.put("after", after == null || after.isBlank() ? "0" : after.strip());
        model.put("last", feed.meta().nextCursor());
        model.put("full", feed.data().size() == TIMELINE);
        model.put("workerName", s.workerId() == null ? "" : workerNames(caller).getOrDefault(s.workerId(), s.workerId().toString()));
        boolean writer = RoleRules.denial(caller, "POST", "/api/v1/sessions/" + id + "/messages") == null;
        model.put("canMessage", writer && !s.ended());
        model.put("canCancel", writer && !s.ended());
        model.put("canArchive", writer && s.ended() && s.archivedAt() == null);
        return model;
    }

    /** Tells the page each time the session has news: woken by {@code news} (the session's events committed), else every {@link #fallbackPoll}. */
    private void pump(Caller caller, UUID id, String status, long seenSeq, SseEmitter emitter, Semaphore news) {
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        emitter.onCompletion(() -> ended.set(true));
        long seen = seenSeq;
        String lastStatus = status;
        long lastSent = System.nanoTime();
        try {
            long deadline = System.nanoTime() + MAX_STREAM.toNanos();
            while (System.nanoTime() < deadline && !ended.get()) {
                news.drainPermits(); // what commits from here on wakes the wait below
                Session now = sessions.get(caller, id);
                List<SessionStore.Event> fresh = sessions.events(caller, id, Long.toString(seen), "1000").data();
                if (!fresh.isEmpty() || !now.status().equals(lastStatus)) {
                    seen = fresh.isEmpty() ? seen : fresh.getLast().seq();
                    lastStatus = now.status();
                    emitter.send(SseEmitter.event().name("changed").data(now.status()));
                    lastSent = System.nanoTime();
                }
                if (now.ended() && fresh.isEmpty()) {
                    break;
                }
                if (System.nanoTime() - lastSent > keepAlive.toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastSent = System.nanoTime();
                }
                news.tryAcquire(fallbackPoll.toMillis(), TimeUnit.MILLISECONDS);
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            emitter.completeWithError(e);
        }
    }

    static Line line(SessionStore.Event e) {
        var d = e.data();
        String text;
        if (d == null || d.isNull()) {
            text = "";
        } else if (d.has("line")) {
            text = d.path("line").asString("");
        } else if (d.has("content")) {
            text = d.path("content").asString("");
        } else if (d.has("status")) {
            text = d.path("status").asString("") + (d.has("exit_code") ? " · exit " + d.path("exit_code").asString("") : "")
                    + (d.has("reason") ? " · " + d.path("reason").asString("") : "");
        } else {
            text = d.toString();
        }
        return new Line(e.seq(), e.type(), e.createdAt() == null ? "" : e.createdAt().toString(), text, d == null ? "" : d.path("stream").asString(""));
    }

    private Map<UUID, String> workerNames(Caller caller) {
        Map<UUID, String> names = new LinkedHashMap<>();
        for (Worker w : workers.list(caller, new PageQuery(1, PageQuery.MAX_PER_PAGE)).data()) {
            names.put(w.id(), w.name());
        }
        return names;
    }

    private static String millis(long ms) {
        return ms <= 0 ? "" : Duration.ofMillis(ms).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static UUID uuid(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.fieldErrors(Map.of(field, List.of("must be a UUID, was '" + value + "'")));
        }
    }

    private static ResponseEntity<Void> seeOther(String location) {
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, location).build();
    }
}
