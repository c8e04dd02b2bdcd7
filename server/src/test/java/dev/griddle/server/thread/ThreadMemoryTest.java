package dev.griddle.server.thread;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ThreadMemoryTest {

    private static List<ThreadMessage> turns(int n, int chars) {
        List<ThreadMessage> out = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            out.add(new ThreadMessage(UUID.randomUUID(), null, i + 1, i % 2 == 0 ? "user" : "assistant", "x".repeat(chars), "completed", null, null,
                    Instant.EPOCH));
        }
        return out;
    }

    @Test
    void keepsEverythingThatFits() {
        List<ThreadMessage> history = turns(3, 40);
        assertThat(ThreadMemory.fit(history, 8000, 1000)).isEqualTo(history);
    }

    @Test
    void dropsTheOldestTurnsFirst() {
        List<ThreadMessage> history = turns(10, 400); // 104 tokens each by the estimate
        List<ThreadMessage> kept = ThreadMemory.fit(history, 1000, 400); // room for 5 messages
        assertThat(kept).hasSize(4).as("never starts with the assistant's half of a turn");
        assertThat(kept.getFirst().role()).isEqualTo("user");
        assertThat(kept.getLast()).isEqualTo(history.getLast());
    }

    @Test
    void aWindowTooSmallForAnyHistoryKeepsNone() {
        assertThat(ThreadMemory.fit(turns(2, 4000), 1000, 900)).isEmpty();
    }

    @Test
    void anUnknownWindowKeepsTheLastMessages() {
        List<ThreadMessage> kept = ThreadMemory.fit(turns(50, 10), 0, 0);
        assertThat(kept).hasSize(ThreadMemory.UNKNOWN_WINDOW_MESSAGES);
        assertThat(kept.getFirst().role()).isEqualTo("user");
    }
}
