package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Prunes the events and step outputs of runs that finished longer ago than {@code griddle.engine.retention}. */
@Component
class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final RunStore runs;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final GriddleProperties.Engine engine;

    Retention(RunStore runs, TransactionTemplate tx, Clock clock, GriddleProperties props) {
        this.runs = runs;
        this.tx = tx;
        this.clock = clock;
        this.engine = props.engine();
    }

    @Scheduled(initialDelayString = "${griddle.engine.retention-initial-delay:60000}", fixedDelayString = "${griddle.engine.retention-interval:3600000}")
    void prune() {
        // one transaction: a run's events, outputs and items are pruned together or not at all
        int events = tx.execute(status -> runs.pruneFinishedBefore(clock.instant().minus(engine.retention())));
        if (events > 0) {
            log.info("Retention: pruned {} events of runs finished over {} ago", events, engine.retention());
        }
    }
}
