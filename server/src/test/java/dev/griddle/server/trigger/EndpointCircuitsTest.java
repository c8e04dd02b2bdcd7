package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The circuits' rules on their own, on a clock the test moves: no server, no traffic. */
class EndpointCircuitsTest {

    /** A clock that stands still until moved. */
    static final class StepClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final StepClock clock = new StepClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EndpointCircuits circuits = new EndpointCircuits(props(3, Duration.ofSeconds(30), 2), clock, meters);
    private final UUID org = UUID.randomUUID();

    static TriggerProperties props(int failures, Duration cooldown, int endpoints) {
        return new TriggerProperties(true, Duration.ofSeconds(1), Duration.ofHours(24), true, Duration.ofSeconds(1), 8, Duration.ofSeconds(2),
                Duration.ofSeconds(10), Duration.ofSeconds(2), 64, 4, failures, cooldown, endpoints, Duration.ofDays(7), 20, 100, 60);
    }

    private static void fail(CircuitBreaker c) {
        assertThat(c.tryAcquirePermission()).isTrue();
        c.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("HTTP 503"));
    }

    @Test
    void anEndpointIsTheSchemeHostAndPort() {
        assertThat(EndpointCircuits.endpoint(URI.create("https://Hooks.Example.com/a/b?x=1"))).isEqualTo("https://hooks.example.com:443");
        assertThat(EndpointCircuits.endpoint(URI.create("http://example.com/"))).isEqualTo("http://example.com:80");
        assertThat(EndpointCircuits.endpoint(URI.create("http://[::1]:8080/x"))).isEqualTo("http://[::1]:8080");
        assertThat(circuits.of(org, URI.create("https://example.com/one"))).isSameAs(circuits.of(org, URI.create("https://EXAMPLE.com:443/two")));
    }

    @Test
    void itOpensAfterThatManyFailuresInARowOnly() {
        CircuitBreaker c = circuits.of(org, URI.create("https://example.com/hook"));
        fail(c);
        fail(c);
        assertThat(c.tryAcquirePermission()).isTrue();
        c.onSuccess(1, TimeUnit.MILLISECONDS); // a success in between starts the count again
        fail(c);
        fail(c);
        assertThat(c.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        fail(c);
        assertThat(c.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(c.tryAcquirePermission()).isFalse();
        assertThat(meters.get("griddle.notifications.circuits.open").gauge().value()).isEqualTo(1);
        assertThat(circuits.refusal(c, URI.create("https://example.com/hook"), clock.instant()))
                .startsWith("not attempted: the circuit of https://example.com:443 is open (3 consecutive failed attempts on this node)");
    }

    @Test
    void afterTheCooldownOneTrialClosesOrReopensIt() {
        CircuitBreaker c = circuits.of(org, URI.create("https://example.com/hook"));
        fail(c);
        fail(c);
        fail(c);
        clock.advance(Duration.ofSeconds(29));
        assertThat(c.tryAcquirePermission()).isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(c.tryAcquirePermission()).as("the trial").isTrue();
        assertThat(c.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(c.tryAcquirePermission()).as("only one trial at a time").isFalse();
        c.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("HTTP 503"));
        assertThat(c.getState()).isEqualTo(CircuitBreaker.State.OPEN);

        clock.advance(Duration.ofSeconds(31));
        assertThat(c.tryAcquirePermission()).isTrue();
        c.onSuccess(1, TimeUnit.MILLISECONDS);
        assertThat(c.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(c.tryAcquirePermission()).isTrue();
    }

    @Test
    void circuitsArePerOrganization() {
        URI shared = URI.create("https://hooks.example.com/services/x");
        CircuitBreaker mine = circuits.of(org, shared);
        fail(mine);
        fail(mine);
        fail(mine);
        assertThat(mine.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(circuits.of(UUID.randomUUID(), shared).tryAcquirePermission()).isTrue();
    }
}
