package dev.griddle.server.trigger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's circuit breakers for notification endpoints (resilience4j), one per organization and
 * endpoint ({@code scheme://host:port} of the subscription URL): after
 * {@code griddle.triggers.notification-circuit-failures} consecutive failed attempts (no answer,
 * a connection error, {@code 5xx} or {@code 429}) the circuit opens, and for
 * {@code notification-circuit-cooldown} no attempt goes to that endpoint; then one trial attempt
 * (half-open) closes it again or reopens it. Keyed per organization, so a tenant whose endpoint on
 * a shared host fails does not stop another tenant's deliveries to that host. At most
 * {@code notification-circuit-endpoints} are remembered, the least recently used forgotten first
 * (forgetting one only closes it early); the gauge {@code griddle.notifications.circuits.open}
 * counts those not closed.
 */
final class EndpointCircuits {

    private static final Logger log = LoggerFactory.getLogger(EndpointCircuits.class);

    private final CircuitBreakerConfig config;
    private final Cache<String, CircuitBreaker> circuits;
    private final int failures;
    private final Duration cooldown;

    EndpointCircuits(TriggerProperties props, Clock clock, MeterRegistry meters) {
        this.failures = props.notificationCircuitFailures();
        this.cooldown = props.notificationCircuitCooldown();
        // a count window as long as the threshold, all of it failed: that many failures in a row
        this.config = CircuitBreakerConfig.custom().slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failures).minimumNumberOfCalls(failures).failureRateThreshold(100)
                .waitDurationInOpenState(cooldown).permittedNumberOfCallsInHalfOpenState(1).writableStackTraceEnabled(false)
                .clock(clock).build();
        this.circuits = Caffeine.newBuilder().maximumSize(props.notificationCircuitEndpoints())
                .expireAfterAccess(cooldown.plus(Duration.ofHours(1))).build();
        Gauge.builder("griddle.notifications.circuits.open", circuits,
                        c -> c.asMap().values().stream().filter(b -> b.getState() != CircuitBreaker.State.CLOSED).count())
                .description("Notification endpoints whose circuit is open or half-open on this process").register(meters);
    }

    /** The circuit of {@code org}'s endpoint that {@code url} names. */
    CircuitBreaker of(UUID org, URI url) {
        String endpoint = endpoint(url);
        return circuits.get(org + " " + endpoint, key -> {
            CircuitBreaker breaker = CircuitBreaker.of(key, config);
            breaker.getEventPublisher().onStateTransition(e -> log.info("Notification circuit of {} for organization {}: {}", endpoint, org,
                    e.getStateTransition()));
            return breaker;
        });
    }

    /** Why an attempt was not made: the circuit's state, and when the delivery is tried next. */
    String refusal(CircuitBreaker breaker, URI url, Instant next) {
        String endpoint = endpoint(url);
        return breaker.getState() == CircuitBreaker.State.HALF_OPEN
                ? "not attempted: the circuit of " + endpoint + " is half-open (one trial attempt in flight on this node); next try at " + next
                : "not attempted: the circuit of " + endpoint + " is open (" + failures
                        + " consecutive failed attempts on this node); next try at " + next;
    }

    Duration cooldown() {
        return cooldown;
    }

    /** {@code scheme://host:port}, the port spelled out (default for the scheme if absent), the host lower-cased. */
    static String endpoint(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort() >= 0 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port;
    }
}
