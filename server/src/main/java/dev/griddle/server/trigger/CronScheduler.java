package dev.griddle.server.trigger;

import dev.griddle.server.lifecycle.BackgroundLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The scheduler loop of this node (one virtual thread): fires the cron triggers that are due, then
 * sleeps until the earliest next fire, at most {@code griddle.triggers.poll-interval}. Every node
 * runs one; {@link CronFirer} makes sure each instant fires once. No leader.
 */
@Component
class CronScheduler extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(CronScheduler.class);
    private static final int BATCH = 100;
    private static final Duration MIN_SLEEP = Duration.ofMillis(5);

    private final TriggerStore store;
    private final CronFirer firer;
    private final TriggerProperties props;
    private final Clock clock;

    CronScheduler(TriggerStore store, CronFirer firer, TriggerProperties props, Clock clock) {
        super("cron-scheduler");
        this.store = store;
        this.firer = firer;
        this.props = props;
        this.clock = clock;
    }

    @Override
    protected boolean enabled() {
        return props.schedulerEnabled();
    }

    @Override
    protected Duration errorBackoff() {
        return props.pollInterval();
    }

    /** A pass where a trigger failed to fire waits the whole poll interval, so a broken trigger is not retried in a tight loop. */
    @Override
    protected Duration pass() {
        return fireDue() ? props.pollInterval() : untilNext();
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
                if (!running()) {
                    return failed;
                }
                try {
                    firer.fire(trigger);
                } catch (Throwable e) {
                    // Errors too (a StackOverflowError from a run it started): one tenant's trigger must not stop every tenant's cron
                    log.error("Cron trigger {} failed to fire at {}", trigger.id(), trigger.nextFireAt(), e);
                    failed = true;
                }
            }
        } while (due.size() == BATCH && running() && !failed);
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

}
