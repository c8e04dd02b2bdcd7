package dev.griddle.server.trigger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.triggers.*}: the cron scheduler loop, webhook secret rotation, de-duplication and
 * rate limits, and outbound
 * notification delivery. A bad value stops start-up naming the property.
 *
 * @param schedulerEnabled whether this process fires cron triggers (any number of processes may)
 * @param pollInterval the longest the scheduler sleeps between looks at due triggers
 * @param rotationGrace how long a rotated webhook signing secret is still accepted
 * @param notificationsEnabled whether this process sends outbound notifications
 * @param notificationPollInterval how often new run events and due deliveries are looked for
 * @param notificationMaxAttempts attempts per delivery before it is marked failed
 * @param notificationInitialBackoff the wait after the first failed attempt; doubled per attempt
 * @param notificationTimeout connect and response timeout of one delivery attempt
 * @param webhookDedupWindow how long an inbound delivery id is remembered (a repeat within it starts
 *     no second run) and how long the per-trigger delivery log keeps a delivery
 * @param webhookPerSecond verified deliveries per second per webhook trigger (refill rate)
 * @param webhookBurst verified deliveries a webhook trigger may take at once
 * @param webhookFailuresPerMinute deliveries per minute per webhook trigger that fail verification
 *     before further failures answer 429; kept apart from verified ones, so junk cannot lock the
 *     real sender out
 */
@ConfigurationProperties("griddle.triggers")
record TriggerProperties(
        @DefaultValue("true") boolean schedulerEnabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("24h") Duration rotationGrace,
        @DefaultValue("true") boolean notificationsEnabled,
        @DefaultValue("1s") Duration notificationPollInterval,
        @DefaultValue("8") int notificationMaxAttempts,
        @DefaultValue("2s") Duration notificationInitialBackoff,
        @DefaultValue("10s") Duration notificationTimeout,
        @DefaultValue("7d") Duration webhookDedupWindow,
        @DefaultValue("20") int webhookPerSecond,
        @DefaultValue("100") int webhookBurst,
        @DefaultValue("60") int webhookFailuresPerMinute) {

    TriggerProperties {
        if (pollInterval.toMillis() < 10 || pollInterval.toMinutes() > 1) {
            throw new IllegalArgumentException("griddle.triggers.poll-interval must be between 10ms and 1m, was " + pollInterval);
        }
        if (rotationGrace.isNegative() || rotationGrace.toDays() > 30) {
            throw new IllegalArgumentException("griddle.triggers.rotation-grace must be between 0 and 30d, was " + rotationGrace);
        }
        if (notificationPollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("griddle.triggers.notification-poll-interval must be at least 10ms, was " + notificationPollInterval);
        }
        if (notificationMaxAttempts < 1 || notificationMaxAttempts > 50) {
            throw new IllegalArgumentException("griddle.triggers.notification-max-attempts must be 1..50, was " + notificationMaxAttempts);
        }
        if (notificationInitialBackoff.toMillis() < 1 || notificationTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("griddle.triggers.notification-initial-backoff must be > 0 and notification-timeout >= 100ms, were "
                    + notificationInitialBackoff + " and " + notificationTimeout);
        }
        if (webhookDedupWindow.compareTo(InboundSchemes.TOLERANCE.multipliedBy(2)) < 0 || webhookDedupWindow.toDays() > 90) {
            throw new IllegalArgumentException("griddle.triggers.webhook-dedup-window must be between 10m and 90d, was " + webhookDedupWindow);
        }
        if (webhookPerSecond < 1 || webhookBurst < 1 || webhookFailuresPerMinute < 1) {
            throw new IllegalArgumentException("griddle.triggers.webhook-per-second, webhook-burst and webhook-failures-per-minute must be >= 1, were "
                    + webhookPerSecond + ", " + webhookBurst + " and " + webhookFailuresPerMinute);
        }
    }
}
