package dev.griddle.server.console;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.Wakeups;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.EventStreams;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /console/runs/{id}/stream}: a {@code changed} event each time the run records events,
 * which the run page answers by fetching its live part again (htmx's SSE extension; EventSource
 * sends the session cookie, not a bearer key). Opened through {@link EventStreams}, so a key's
 * stream limit holds and the stream ends when the key is revoked; it ends by itself once the run
 * has finished. Hidden from the OpenAPI document, like the other console routes: they are pages, not the API.
 */
@Hidden
@RestController
class ConsoleStreams {

    private static final Duration MAX_STREAM = Duration.ofHours(1);

    /** Run ids noted between two checks of the feed stream; beyond this the check is skipped and the page told anyway. */
    private static final int MAX_PENDING = 1000;
    /** The feed stream tells the page at most this often; a busy organization's feed refreshes once a second. */
    private static final Duration FEED_THROTTLE = Duration.ofSeconds(1);

    private final RunReader runs;
    private final ConsoleQueries queries;
    private final Wakeups wakeups;
    private final EventStreams streams;
    private final Duration keepAlive;

    ConsoleStreams(RunReader runs, ConsoleQueries queries, Wakeups wakeups, EventStreams streams, GriddleProperties props) {
        this.runs = runs;
        this.queries = queries;
        this.wakeups = wakeups;
        this.streams = streams;
        this.keepAlive = props.http().sseKeepAlive();
    }

    @GetMapping(path = "/console/runs/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter run(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        UUID orgId = session.caller().orgId();
        RunRow run = runs.visible(orgId, ProjectScope.of(session.caller().projectIds()), id).orElseThrow(() -> ApiException.notFound("run", id));
        SseEmitter emitter = streams.open(session.caller(), MAX_STREAM);
        Thread.ofVirtual().name("console-sse-" + id).start(() -> pump(orgId, run.id(), run.eventSeq(), emitter));
        return emitter;
    }

    /**
     * {@code GET /console/runs/stream}: the organization's live runs feed. A {@code changed} event
     * (at most once a second) whenever a run the key can see records events (started, a step done,
     * finished...); the feed page then fetches its table again.
     */
    @GetMapping(path = "/console/runs/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter feed(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session) {
        UUID orgId = session.caller().orgId();
        UUID[] projects = session.caller().projectIds() == null ? null : session.caller().projectIds().toArray(UUID[]::new);
        SseEmitter emitter = streams.open(session.caller(), MAX_STREAM);
        Thread.ofVirtual().name("console-feed-" + orgId).start(() -> pumpFeed(orgId, projects, emitter));
        return emitter;
    }

    private void pumpFeed(UUID orgId, UUID[] projects, SseEmitter emitter) {
        Semaphore signal = new Semaphore(0);
        AtomicBoolean ended = new AtomicBoolean();
        java.util.Set<UUID> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicBoolean overflow = new AtomicBoolean();
        emitter.onCompletion(() -> {
            ended.set(true);
            signal.release();
        });
        try (AutoCloseable ignored = wakeups.onAnyRunEvents(runId -> {
            if (pending.size() < MAX_PENDING) {
                pending.add(runId);
            } else {
                overflow.set(true);
            }
            signal.release();
        })) {
            long deadline = System.nanoTime() + MAX_STREAM.toNanos();
            while (System.nanoTime() < deadline && !ended.get()) {
                if (!signal.tryAcquire(keepAlive.toMillis(), TimeUnit.MILLISECONDS)) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    continue;
                }
                Thread.sleep(FEED_THROTTLE.toMillis());
                signal.drainPermits();
                java.util.List<UUID> batch = new java.util.ArrayList<>(pending);
                pending.removeAll(batch);
                boolean many = overflow.getAndSet(false);
                if (!ended.get() && (many || queries.anyVisible(orgId, projects, batch))) {
                    emitter.send(SseEmitter.event().name("changed").data("runs"));
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (Exception e) {
            emitter.completeWithError(e);
        }
    }

    private void pump(UUID orgId, UUID runId, long seenSeq, SseEmitter emitter) {
        Semaphore signal = new Semaphore(0);
        AtomicBoolean ended = new AtomicBoolean();
        emitter.onCompletion(() -> {
            ended.set(true);
            signal.release();
        });
        long seen = seenSeq;
        try (AutoCloseable ignored = wakeups.onEvents(runId, signal::release)) {
            long deadline = System.nanoTime() + MAX_STREAM.toNanos();
            while (System.nanoTime() < deadline && !ended.get()) {
                RunRow now = runs.find(orgId, runId).orElse(null);
                if (now == null) {
                    break;
                }
                if (now.eventSeq() != seen) {
                    seen = now.eventSeq();
                    emitter.send(SseEmitter.event().name("changed").data(now.status().wire()));
                }
                if (now.status().terminal()) {
                    break;
                }
                if (!signal.tryAcquire(keepAlive.toMillis(), TimeUnit.MILLISECONDS)) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                }
                signal.drainPermits();
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (Exception e) {
            emitter.completeWithError(e);
        }
    }
}
