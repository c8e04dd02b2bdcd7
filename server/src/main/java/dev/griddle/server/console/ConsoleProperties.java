package dev.griddle.server.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.console.*}: how long a browser session lives ({@code session-ttl}, never longer
 * than its key), how many sign-in attempts one address may make per minute
 * ({@code sign-in-per-minute}), how many rows a console list shows per page ({@code page-size}),
 * and how many events a run page's timeline shows at most ({@code timeline-limit}).
 */
@ConfigurationProperties("griddle.console")
record ConsoleProperties(
        @DefaultValue("12h") Duration sessionTtl,
        @DefaultValue("10") int signInPerMinute,
        @DefaultValue("50") int pageSize,
        @DefaultValue("500") int timelineLimit) {

    ConsoleProperties {
        if (sessionTtl.compareTo(Duration.ofMinutes(1)) < 0 || sessionTtl.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("griddle.console.session-ttl must be between 1m and 30d, was " + sessionTtl);
        }
        if (signInPerMinute < 1 || signInPerMinute > 10_000) {
            throw new IllegalArgumentException("griddle.console.sign-in-per-minute must be 1 to 10000, was " + signInPerMinute);
        }
        if (pageSize < 1 || pageSize > 500) {
            throw new IllegalArgumentException("griddle.console.page-size must be 1 to 500, was " + pageSize);
        }
        if (timelineLimit < 1 || timelineLimit > 10_000) {
            throw new IllegalArgumentException("griddle.console.timeline-limit must be 1 to 10000, was " + timelineLimit);
        }
    }
}
