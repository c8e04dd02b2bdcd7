package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The send slots' counting on its own. */
class SendSlotsTest {

    private final SendSlots slots = new SendSlots(3, 2);
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void countsPerOrganizationAndInAll() {
        slots.take(a);
        slots.take(a);
        slots.take(b);
        assertThat(slots.free()).isZero();
        assertThat(slots.busy()).isEqualTo(Map.of(a, 2, b, 1));
        slots.release(a);
        assertThat(slots.free()).isEqualTo(1);
        assertThat(slots.busy()).isEqualTo(Map.of(a, 1, b, 1));
        slots.release(a);
        assertThat(slots.busy()).isEqualTo(Map.of(b, 1)).doesNotContainKey(a);
    }

    @Test
    void neverGoesOverACap() {
        slots.take(a);
        slots.take(a);
        assertThatThrownBy(() -> slots.take(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("2/2 for organization " + a);
        slots.take(b);
        assertThatThrownBy(() -> slots.take(UUID.randomUUID())).isInstanceOf(IllegalStateException.class).hasMessageContaining("3/3 on this node");
    }

    @Test
    void waitersWakeWhenASlotComesBack() throws Exception {
        slots.take(a);
        Thread.ofVirtual().start(() -> slots.release(a));
        assertThat(slots.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(slots.free()).isEqualTo(3);
        assertThat(slots.awaitIdle(Duration.ZERO)).isTrue();
        slots.take(b);
        assertThat(slots.awaitIdle(Duration.ofMillis(10))).isFalse();
    }
}
