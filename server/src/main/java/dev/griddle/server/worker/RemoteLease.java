package dev.griddle.server.worker;

import dev.griddle.server.GriddleProperties;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How long a worker's claim holds before the engine's reaper hands the task to someone else. The
 * engine's {@code griddle.engine.task-lease} unless {@code GRIDDLE_TASK_LEASE} is set: that name
 * is documented for operators but relaxed binding maps it to {@code griddle.task-lease}, a
 * property nothing binds, so it is read here explicitly (and checked like the engine's setting).
 */
@Component
class RemoteLease {

    private final Duration lease;

    RemoteLease(GriddleProperties props, Environment env) {
        String override = env.getProperty("griddle.task-lease");
        if (override == null || override.isBlank()) {
            this.lease = props.engine().taskLease();
        } else {
            Duration parsed;
            try {
                parsed = DurationStyle.detectAndParse(override.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("GRIDDLE_TASK_LEASE must be a duration such as 30s, was '" + override + "'", e);
            }
            if (parsed.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("GRIDDLE_TASK_LEASE must be at least 1s, was " + override);
            }
            this.lease = parsed;
        }
    }

    Duration duration() {
        return lease;
    }
}
