package dev.griddle.server.session;

import dev.griddle.server.engine.Wakeups;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Feeds one session's timeline to an SSE emitter, in {@code seq} order, from a cursor: woken by
 * {@link Wakeups#onSessionEvents} as soon as events commit (on this node at once, on others through
 * {@code NOTIFY}), and looking again every {@code griddle.session.stream-fallback-poll} in case a
 * notification was lost. Ends when the session has ended and everything is sent, or at {@code maxStream}.
 */
@Component
class SessionEventStream {

    static final int BATCH = 500;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final SessionStore store;
    private final Wakeups wakeups;
    private final SessionProperties props;

    SessionEventStream(SessionStore store, Wakeups wakeups, SessionProperties props) {
        this.store = store;
        this.wakeups = wakeups;
        this.props = props;
    }

    /** Starts feeding {@code emitter} on a virtual thread of its own. */
    void feed(SseEmitter emitter, UUID orgId, UUID id, long from, Duration maxStream) {
        Semaphore news = new Semaphore(0);
        AutoCloseable subscription = wakeups.onSessionEvents(id, news::release);
        Thread.ofVirtual().name("sse-session-" + id).start(() -> {
            try (subscription) {
                send(emitter, orgId, id, from, maxStream, news);
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            } catch (Exception e) {
                emitter.completeWithError(e);
            }
        });
    }

    private void send(SseEmitter emitter, UUID orgId, UUID id, long from, Duration maxStream, Semaphore news)
            throws IOException, InterruptedException {
        long cursor = from;
        long deadline = System.nanoTime() + maxStream.toNanos();
        long lastSent = System.nanoTime();
        while (System.nanoTime() < deadline) {
            news.drainPermits(); // what commits from here on wakes the wait below
            List<SessionStore.Event> batch = store.events(orgId, id, cursor, BATCH);
            for (SessionStore.Event e : batch) {
                emitter.send(SseEmitter.event().id(Long.toString(e.seq())).name(e.type()).data(e, MediaType.APPLICATION_JSON));
                cursor = e.seq();
                lastSent = System.nanoTime();
            }
            if (batch.size() == BATCH) {
                continue;
            }
            if (store.find(orgId, id).map(Session::ended).orElse(true) && store.events(orgId, id, cursor, 1).isEmpty()) {
                return;
            }
            if (System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                emitter.send(SseEmitter.event().comment("keep-alive"));
                lastSent = System.nanoTime();
            }
            long wait = Math.min(props.streamFallbackPoll().toNanos(), Math.max(0, deadline - System.nanoTime()));
            news.tryAcquire(wait, TimeUnit.NANOSECONDS);
        }
    }
}
