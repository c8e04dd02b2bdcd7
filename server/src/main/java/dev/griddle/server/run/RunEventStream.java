package dev.griddle.server.run;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.engine.EventLog;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.Wakeups;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.EventStreams;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.SmartLifecycle;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /runs/{id}/events/stream}: the run's events as Server-Sent Events, each with
 * {@code id: <seq>}, resuming after {@code Last-Event-ID} (or {@code ?after=}) so a client that
 * reconnects misses nothing. Comment lines keep idle connections open through proxies. The stream
 * ends once the run has finished and every event has been sent, or when {@link EventStreams} ends
 * it (the key was revoked or expired).
 */
@RestController
class RunEventStream implements SmartLifecycle {

    private static final Duration MAX_STREAM = Duration.ofHours(1);

    private final RunAccess access;
    private final RunReader runs;
    private final EventLog events;
    private final Wakeups wakeups;
    private final EventStreams streams;
    private final Duration keepAlive;
    private final Set<Thread> pumps = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    RunEventStream(RunAccess access, RunReader runs, EventLog events, Wakeups wakeups, EventStreams streams, GriddleProperties props) {
        this.streams = streams;
        this.keepAlive = props.http().sseKeepAlive();
        this.access = access;
        this.runs = runs;
        this.events = events;
        this.wakeups = wakeups;
    }

    @Operation(summary = "Follow a run's events",
            description = "Server-Sent Events of the run's events as they happen, from Last-Event-ID on; ends when the run ends.")
    @GetMapping(path = "/api/v1/runs/{id}/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(Caller caller, @PathVariable UUID id, @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(required = false) String after) {
        RunRow run = access.visible(caller, id);
        long cursor = RunDetailsController.cursor(lastEventId != null ? lastEventId : after);
        SseEmitter emitter = streams.open(caller, MAX_STREAM);
        Thread.ofVirtual().name("sse-" + id).start(() -> {
            pumps.add(Thread.currentThread());
            try {
                pump(caller.orgId(), run.id(), cursor, emitter);
            } finally {
                pumps.remove(Thread.currentThread());
            }
        });
        return emitter;
    }

    @Override
    public void start() {
        running = true;
    }

    /** On shutdown, end open streams first so graceful shutdown does not wait on them; clients resume by Last-Event-ID. */
    @Override
    public void stop() {
        running = false;
        pumps.forEach(Thread::interrupt);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private void pump(UUID orgId, UUID runId, long from, SseEmitter emitter) {
        Semaphore signal = new Semaphore(0);
        AtomicBoolean ended = new AtomicBoolean();
        emitter.onCompletion(() -> {
            ended.set(true);
            signal.release();
        });
        long cursor = from;
        try (AutoCloseable ignored = wakeups.onEvents(runId, signal::release)) {
            long deadline = System.nanoTime() + MAX_STREAM.toNanos();
            while (System.nanoTime() < deadline && !ended.get()) {
                signal.drainPermits();
                List<EventLog.Event> batch = events.after(orgId, runId, cursor, 500);
                for (EventLog.Event event : batch) {
                    emitter.send(SseEmitter.event().id(Long.toString(event.seq())).name(event.type()).data(event, MediaType.APPLICATION_JSON));
                    cursor = event.seq();
                }
                if (batch.size() == 500) {
                    continue;
                }
                boolean finished = runs.find(orgId, runId).map(r -> r.status().terminal()).orElse(true);
                if (finished && events.after(orgId, runId, cursor, 1).isEmpty()) {
                    break;
                }
                if (!signal.tryAcquire(keepAlive.toMillis(), TimeUnit.MILLISECONDS)) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e); // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (Exception e) {
            emitter.completeWithError(e);
        }
    }
}
