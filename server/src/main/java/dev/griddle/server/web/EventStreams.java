package dev.griddle.server.web;

import dev.griddle.server.GriddleProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every Server-Sent Events stream of the API is opened here, so that all of them follow the same
 * two rules. A key holds at most {@code griddle.http.max-streams-per-key} open streams on a node;
 * one more is {@code 429 TOO_MANY_STREAMS}. And the keys of open streams are checked again every
 * {@code griddle.http.stream-key-check} (one query per key with open streams, whatever their
 * number): the streams of a key that was revoked, expired or deleted since are ended, with a last
 * comment line that says why.
 */
@Component
public class EventStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);

    private final CallerResolver keys;
    private final TaskScheduler scheduler;
    private final int maxPerKey;
    private final Duration recheck;
    private final Map<UUID, Set<SseEmitter>> open = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> sweep;

    EventStreams(CallerResolver keys, TaskScheduler scheduler, GriddleProperties props) {
        this.keys = keys;
        this.scheduler = scheduler;
        this.maxPerKey = props.http().maxStreamsPerKey();
        this.recheck = props.http().streamKeyCheck();
    }

    /**
     * A new stream for {@code caller}, ended by the server after {@code maxLength} at the latest.
     * Call it once the request has been checked and before anything is written, and hand the
     * emitter to MVC, or {@link #abandon} it when the handler fails after all.
     */
    public SseEmitter open(Caller caller, Duration maxLength) {
        SseEmitter emitter = new SseEmitter(maxLength.toMillis());
        boolean[] admitted = {false};
        open.compute(caller.keyId(), (id, streams) -> {
            Set<SseEmitter> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (set.size() < maxPerKey) {
                set.add(emitter);
                admitted[0] = true;
            }
            return set.isEmpty() ? null : set;
        });
        if (!admitted[0]) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_STREAMS",
                    "This API key already holds " + maxPerKey + " open event streams on this server (griddle.http.max-streams-per-key)",
                    Map.of("limit", maxPerKey), "Close a stream you no longer read, or resume it later with Last-Event-ID.");
        }
        Runnable release = () -> release(caller.keyId(), emitter);
        emitter.onCompletion(release);
        emitter.onTimeout(release);
        emitter.onError(e -> release.run());
        return emitter;
    }

    /** Frees the slot of a stream whose handler failed before returning it. */
    public void abandon(Caller caller, SseEmitter emitter) {
        release(caller.keyId(), emitter);
    }

    /** How many streams {@code keyId} holds open on this node. */
    int openStreams(UUID keyId) {
        Set<SseEmitter> set = open.get(keyId);
        return set == null ? 0 : set.size();
    }

    private void release(UUID keyId, SseEmitter emitter) {
        open.computeIfPresent(keyId, (id, set) -> {
            set.remove(emitter);
            return set.isEmpty() ? null : set;
        });
    }

    /** Checks every key that holds streams once, and ends the streams of those no longer accepted. */
    void recheckKeys() {
        for (UUID keyId : Set.copyOf(open.keySet())) {
            Optional<String> refusal;
            try {
                refusal = keys.refusal(keyId);
            } catch (RuntimeException e) {
                log.warn("Could not check again API key {} of open event streams; next try in {}", keyId, recheck, e);
                continue;
            }
            refusal.ifPresent(reason -> close(keyId, reason));
        }
    }

    private void close(UUID keyId, String reason) {
        Set<SseEmitter> streams = open.remove(keyId);
        if (streams == null) {
            return;
        }
        log.info("Ending {} event stream(s) of API key {}: {}", streams.size(), keyId, reason);
        for (SseEmitter emitter : streams) {
            try {
                emitter.send(SseEmitter.event().comment("stream closed: " + reason));
            } catch (IOException | IllegalStateException ignored) {
                // the client is gone or the stream is ending already
            }
            try {
                emitter.complete();
            } catch (IllegalStateException ignored) {
                // already completed
            }
        }
    }

    @Override
    public void start() {
        sweep = scheduler.scheduleWithFixedDelay(this::recheckKeys, recheck);
    }

    @Override
    public void stop() {
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
        sweep = null;
    }

    @Override
    public boolean isRunning() {
        return sweep != null;
    }
}
