package dev.griddle.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlanGraphTest {

    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final UUID c = UUID.randomUUID();
    private final UUID d = UUID.randomUUID();

    @Test
    void aTodoCannotBlockItself() {
        assertThat(PlanGraph.cycleIfAdded(Map.of(), a, a)).contains(java.util.List.of(a, a));
    }

    @Test
    void findsTheCycleAnEdgeWouldCloseAndNamesIt() {
        // a blocked by b, b blocked by c: c blocked by a closes c -> a -> b -> c
        Map<UUID, Set<UUID>> blockedBy = Map.of(a, Set.of(b), b, Set.of(c));
        assertThat(PlanGraph.cycleIfAdded(blockedBy, c, a)).contains(java.util.List.of(c, a, b, c));
        assertThat(PlanGraph.cycleIfAdded(blockedBy, b, a)).contains(java.util.List.of(b, a, b));
    }

    @Test
    void diamondsAndUnrelatedEdgesAreFine() {
        // d blocked by b and c, both blocked by a
        Map<UUID, Set<UUID>> blockedBy = Map.of(d, Set.of(b, c), b, Set.of(a), c, Set.of(a));
        assertThat(PlanGraph.cycleIfAdded(blockedBy, d, a)).isEmpty();
        assertThat(PlanGraph.cycleIfAdded(blockedBy, c, b)).isEmpty();
        assertThat(PlanGraph.cycleIfAdded(blockedBy, a, d)).isPresent();
    }

    @Test
    void readyMeansOpenWithEveryBlockerDone() {
        Map<UUID, String> status = new LinkedHashMap<>();
        status.put(a, "done");
        status.put(b, "open");
        status.put(c, "open");
        status.put(d, "in_progress");
        Map<UUID, Set<UUID>> blockedBy = Map.of(b, Set.of(a), c, Set.of(a, d));
        assertThat(PlanGraph.ready(status, blockedBy)).containsExactly(b);
        status.put(d, "done");
        assertThat(PlanGraph.ready(status, blockedBy)).containsExactly(b, c);
        status.put(d, "cancelled");
        assertThat(PlanGraph.ready(status, blockedBy)).as("a cancelled blocker is not done").containsExactly(b);
    }
}
