package dev.griddle.server.trigger;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.LiveRunLimitExceeded;
import dev.griddle.server.engine.RunReader;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fires one due cron trigger, exactly once per scheduled instant across all nodes: in one
 * transaction, the conditional update of {@code next_fire_at} claims the instant (a node that loses
 * the race changes nothing), the run is started, and the fire is recorded. A run that cannot start
 * (invalid draft, input failing the schema) rolls back to a savepoint and is recorded as a skip, so
 * the trigger moves on instead of retrying the same instant forever.
 */
@Component
class CronFirer {

    private static final Logger log = LoggerFactory.getLogger(CronFirer.class);

    /** What became of a due trigger on this node. */
    enum Outcome { STARTED, SKIPPED, LOST }

    private final TriggerStore store;
    private final RunReader runs;
    private final RunStarter starter;
    private final TransactionTemplate tx;
    private final TransactionTemplate savepoint;
    private final Clock clock;

    CronFirer(TriggerStore store, RunReader runs, RunStarter starter, PlatformTransactionManager transactions, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.starter = starter;
        this.tx = new TransactionTemplate(transactions);
        this.savepoint = new TransactionTemplate(transactions);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.clock = clock;
    }

    Outcome fire(StoredTrigger trigger) {
        return tx.execute(status -> {
            Instant now = clock.instant();
            CronSchedule.Due due = trigger.cronSchedule().due(trigger.nextFireAt(), now);
            if (!store.advance(trigger.id(), trigger.nextFireAt(), due.next(), now)) {
                return Outcome.LOST;
            }
            UUID fireId = UUID.randomUUID();
            if ("skip".equals(trigger.overlap())) {
                Optional<UUID> active = runs.liveRunOf(trigger.orgId(), StoredTrigger.CRON, trigger.id());
                if (active.isPresent()) {
                    store.recordFire(new TriggerStore.Fire(fireId, trigger.id(), due.scheduledAt(), now, null, true,
                            "previous_run_active: run " + active.get() + " has not finished", due.missed()));
                    return Outcome.SKIPPED;
                }
            }
            try {
                RunRow run = savepoint.execute(s -> starter.start(trigger.orgId(), trigger.runnerId(),
                        new RunStarter.StartRequest(trigger.input(), null, null), new Trigger(StoredTrigger.CRON, trigger.id()), ProjectScope.ALL));
                store.recordFire(new TriggerStore.Fire(fireId, trigger.id(), due.scheduledAt(), now, run.id(), false, null, due.missed()));
                return Outcome.STARTED;
            } catch (ApiException e) {
                log.warn("Cron trigger {} could not start a run of runner {} for {}: {}", trigger.id(), trigger.runnerId(), due.scheduledAt(),
                        e.getMessage());
                store.recordFire(new TriggerStore.Fire(fireId, trigger.id(), due.scheduledAt(), now, null, true,
                        "run_not_started: " + e.getMessage(), due.missed()));
                return Outcome.SKIPPED;
            } catch (LiveRunLimitExceeded e) {
                log.warn("Cron trigger {} skipped {}: {}", trigger.id(), due.scheduledAt(), e.getMessage());
                store.recordFire(new TriggerStore.Fire(fireId, trigger.id(), due.scheduledAt(), now, null, true,
                        "live_run_limit: " + e.getMessage(), due.missed()));
                return Outcome.SKIPPED;
            } catch (StackOverflowError e) {
                // rolled back to the savepoint; retrying the same instant would overflow again
                log.error("Cron trigger {} overflowed the stack starting a run of runner {}", trigger.id(), trigger.runnerId(), e);
                store.recordFire(new TriggerStore.Fire(fireId, trigger.id(), due.scheduledAt(), now, null, true,
                        "run_not_started: starting the run overflowed the stack", due.missed()));
                return Outcome.SKIPPED;
            }
        });
    }
}
