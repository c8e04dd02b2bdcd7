package dev.griddle.server.trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The scheduler loop of this node (one virtual thread): fires the cron triggers that are due, then
 * sleeps until the earliest next fire, at most {@code griddle.triggers.poll-interval}. Every node
 * runs one; {@link CronFirer} makes sure each instant fires once. No leader.
 */
@Component
class CronScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CronScheduler.class);
    private static final int BATCH = 100;
    private static final Duration MIN_SLEEP = Duration.ofMillis(5);

    private final TriggerStore store;
    private final CronFirer firer;
    private final TriggerProperties props;
    private final Clock clock;
    private volatile Thread thread;
    private volatile boolean running;

    CronScheduler(TriggerStore store, CronFirer firer, TriggerProperties props, Clock clock) {
        this.store = store;
        this.firer = firer;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public void start() {
        if (!props.schedulerEnabled()) {
            log.info("Cron scheduler is off on this node (griddle.triggers.scheduler-enabled=false)");
            return;
        }
        running = true;
        thread = Thread.ofVirtual().name("cron-scheduler").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        Duration backoff = props.pollInterval();
        while (running) {
            try {
                boolean failed = fireDue();
                backoff = props.pollInterval();
                sleep(failed ? props.pollInterval() : untilNext());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.error("Cron scheduler pass failed; retrying in {}", backoff, e);
                try {
                    sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Fires every trigger due now; a full batch means more may be due, so it looks again at once.
     * Returns whether any trigger failed to fire, so a broken one is retried at the poll interval
     * rather than in a tight loop.
     */
    boolean fireDue() {
        List<StoredTrigger> due;
        boolean failed = false;
        do {
            due = store.due(clock.instant(), BATCH);
            for (StoredTrigger trigger : due) {
                if (!running) {
                    return failed;
                }
                try {
                    firer.fire(trigger);
                } catch (RuntimeException e) {
                    log.error("Cron trigger {} failed to fire at {}", trigger.id(), trigger.nextFireAt(), e);
                    failed = true;
                }
            }
        } while (due.size() == BATCH && running && !failed);
        return failed;
    }

    private Duration untilNext() {
        Instant now = clock.instant();
        Duration wait = store.soonest().map(next -> Duration.between(now, next)).orElse(props.pollInterval());
        if (wait.compareTo(props.pollInterval()) > 0) {
            return props.pollInterval();
        }
        return wait.compareTo(MIN_SLEEP) < 0 ? MIN_SLEEP : wait;
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d);
    }
}
