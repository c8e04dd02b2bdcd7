package dev.griddle.server.session;

import dev.griddle.server.GriddleProperties;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Fails sessions whose host stopped renewing their lease ({@code host_lost}); prunes ended sessions under the run retention. */
@Component
class SessionReaper {

    private static final Logger log = LoggerFactory.getLogger(SessionReaper.class);

    private final Sessions sessions;
    private final Clock clock;
    private final GriddleProperties.Engine engine;

    SessionReaper(Sessions sessions, Clock clock, GriddleProperties props) {
        this.sessions = sessions;
        this.clock = clock;
        this.engine = props.engine();
    }

    @Scheduled(initialDelayString = "${griddle.session.reap-interval:2s}", fixedDelayString = "${griddle.session.reap-interval:2s}")
    void reap() {
        int lost = sessions.reapLost();
        if (lost > 0) {
            log.warn("Sessions: {} failed with host_lost (their worker stopped renewing their lease)", lost);
        }
    }

    @Scheduled(initialDelayString = "${griddle.engine.retention-initial-delay:60000}", fixedDelayString = "${griddle.engine.retention-interval:3600000}")
    void prune() {
        int n = sessions.pruneEndedBefore(clock.instant().minus(engine.retention()));
        if (n > 0) {
            log.info("Retention: pruned {} sessions (and their timelines) ended over {} ago", n, engine.retention());
        }
    }
}
