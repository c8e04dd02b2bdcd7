package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps this process's leases alive while its steps run, and reaps leases that ran out anywhere
 * (a process that died): their attempts count as failed and the steps are retried or fail.
 */
@Component
class LeaseKeeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final TaskQueue queue;
    private final Dispatcher dispatcher;
    private final Completer completer;
    private final Clock clock;
    private final GriddleProperties.Engine engine;
    private final Counter expiries;

    LeaseKeeper(TaskQueue queue, Dispatcher dispatcher, Completer completer, Clock clock, GriddleProperties props, MeterRegistry meters) {
        this.queue = queue;
        this.dispatcher = dispatcher;
        this.completer = completer;
        this.clock = clock;
        this.engine = props.engine();
        this.expiries = Counter.builder("griddle.task.lease.expiries").description("Task leases that ran out and were reaped").register(meters);
    }

    private volatile long lastBeat;

    /** Extends this process's leases every third of a lease (checked each second). */
    @Scheduled(fixedDelay = 1000)
    void heartbeat() {
        long now = System.nanoTime();
        if (now - lastBeat < engine.taskLease().toNanos() / 3) {
            return;
        }
        lastBeat = now;
        Set<UUID> mine = new HashSet<>(dispatcher.inFlight());
        if (mine.isEmpty()) {
            return;
        }
        Set<UUID> kept = new HashSet<>(queue.extend(dispatcher.owner(), mine, engine.taskLease(), clock.instant()));
        mine.removeAll(kept);
        // tasks finished between the snapshot and the update are not lost: the dispatcher no longer tracks them
        mine.retainAll(dispatcher.inFlight());
        if (!mine.isEmpty()) {
            dispatcher.abandon(mine);
        }
    }

    @Scheduled(fixedDelayString = "${griddle.engine.reap-interval:2000}")
    void reap() {
        if (!engine.enabled()) {
            return;
        }
        List<TaskRow> expired = queue.expired(clock.instant(), 100);
        expiries.increment(expired.size());
        for (TaskRow task : expired) {
            try {
                completer.expire(task);
            } catch (Throwable e) {
                // Errors too: one task whose run cannot be loaded or advanced must not stop reaping the others
                log.warn("Could not reap task {}: {}", task.id(), e.toString());
            }
        }
        if (!expired.isEmpty()) {
            log.info("Reaped {} expired task lease(s)", expired.size());
        }
    }
}
