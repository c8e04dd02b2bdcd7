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
 * @param notificationTimeout the whole of one delivery attempt (connecting, sending, the answer and
 *     its body): the attempt is cut off after it
 * @param notificationConnectTimeout the part of {@code notificationTimeout} that connecting may take,
 *     so an endpoint that never accepts fails fast
 * @param notificationConcurrency delivery attempts in flight on this node at once
 * @param notificationPerOrgConcurrency delivery attempts of one organization in flight on this node at
 *     once; deliveries over it stay unclaimed until a slot frees
 * @param notificationCircuitFailures consecutive failed attempts to one endpoint (an organization's
 *     scheme, host and port) after which its circuit opens on this node
 * @param notificationCircuitCooldown how long an open circuit stays open before one trial attempt
 * @param notificationCircuitEndpoints endpoints whose circuit this node remembers (least recently used
 *     forgotten first)
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
        @DefaultValue("2s") Duration notificationConnectTimeout,
        @DefaultValue("64") int notificationConcurrency,
        @DefaultValue("4") int notificationPerOrgConcurrency,
        @DefaultValue("5") int notificationCircuitFailures,
        @DefaultValue("30s") Duration notificationCircuitCooldown,
        @DefaultValue("10000") int notificationCircuitEndpoints,
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
        if (notificationTimeout.toMinutes() > 5) {
            throw new IllegalArgumentException("griddle.triggers.notification-timeout must be at most 5m, was " + notificationTimeout);
        }
        if (notificationConnectTimeout.toMillis() < 10 || notificationConnectTimeout.compareTo(notificationTimeout) > 0) {
            throw new IllegalArgumentException("griddle.triggers.notification-connect-timeout must be between 10ms and notification-timeout ("
                    + notificationTimeout + "), was " + notificationConnectTimeout);
        }
        if (notificationConcurrency < 1 || notificationConcurrency > 10_000) {
            throw new IllegalArgumentException("griddle.triggers.notification-concurrency must be 1..10000, was " + notificationConcurrency);
        }
        if (notificationPerOrgConcurrency < 1 || notificationPerOrgConcurrency > notificationConcurrency) {
            throw new IllegalArgumentException("griddle.triggers.notification-per-org-concurrency must be between 1 and notification-concurrency ("
                    + notificationConcurrency + "), was " + notificationPerOrgConcurrency);
        }
        if (notificationCircuitFailures < 1 || notificationCircuitFailures > 100) {
            throw new IllegalArgumentException("griddle.triggers.notification-circuit-failures must be 1..100, was " + notificationCircuitFailures);
        }
        if (notificationCircuitCooldown.toMillis() < 100 || notificationCircuitCooldown.toHours() > 24) {
            throw new IllegalArgumentException("griddle.triggers.notification-circuit-cooldown must be between 100ms and 24h, was "
                    + notificationCircuitCooldown);
        }
        if (notificationCircuitEndpoints < 1 || notificationCircuitEndpoints > 1_000_000) {
            throw new IllegalArgumentException("griddle.triggers.notification-circuit-endpoints must be 1..1000000, was "
                    + notificationCircuitEndpoints);
        }
        if (webhookDedupWindow.compareTo(InboundSchemes.TOLERANCE.multipliedBy(2)) < 0 || webhookDedupWindow.toDays() > 90) {
            throw new IllegalArgumentException("griddle.triggers.webhook-dedup-window must be between 10m and 90d, was " + webhookDedupWindow);
        }
        if (webhookPerSecond < 1 || webhookBurst < 1 || webhookFailuresPerMinute < 1) {
            throw new IllegalArgumentException("griddle.triggers.webhook-per-second, webhook-burst and webhook-failures-per-minute must be >= 1, were "
                    + webhookPerSecond + ", " + webhookBurst + " and " + webhookFailuresPerMinute);
        }
    }

    /**
     * How long a claimed delivery is this node's: twice {@code notificationTimeout} plus 5 s, so an
     * attempt (which starts only while a whole timeout and a second of its lease remain, and is cut
     * off at the timeout) always ends inside it, and a crashed node's claims come back soon after.
     */
    Duration notificationLease() {
        return notificationTimeout.multipliedBy(2).plusSeconds(5);
    }
}
