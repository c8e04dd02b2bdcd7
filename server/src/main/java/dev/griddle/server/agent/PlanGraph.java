package dev.griddle.server.agent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The "blocked by" graph of one plan's todos: which edge would close a cycle, and which todos are
 * ready. Pure: no SQL, no Spring.
 */
final class PlanGraph {

    private PlanGraph() {
    }

    /**
     * The cycle that "{@code todo} is blocked by {@code blocker}" would close, as the todo ids
     * around it starting and ending at {@code todo}; empty when the edge is safe. A todo blocking
     * itself is the shortest cycle.
     *
     * @param blockedBy each todo's current blockers
     */
    static Optional<List<UUID>> cycleIfAdded(Map<UUID, Set<UUID>> blockedBy, UUID todo, UUID blocker) {
        // the edge closes a cycle when todo already (transitively) blocks blocker, i.e. todo is reachable from blocker
        Map<UUID, UUID> cameFrom = new HashMap<>();
        Deque<UUID> queue = new ArrayDeque<>(List.of(blocker));
        Set<UUID> seen = new HashSet<>(queue);
        while (!queue.isEmpty()) {
            UUID at = queue.removeFirst();
            if (at.equals(todo)) {
                List<UUID> path = new ArrayList<>();
                for (UUID step = todo; step != null; step = cameFrom.get(step)) {
                    path.add(step);
                }
                Collections.reverse(path);
                path.addFirst(todo);
                return Optional.of(path);
            }
            for (UUID next : blockedBy.getOrDefault(at, Set.of())) {
                if (seen.add(next)) {
                    cameFrom.put(next, at);
                    queue.addLast(next);
                }
            }
        }
        return Optional.empty();
    }

    /** Open todos whose blockers are all done, in the order given. */
    static List<UUID> ready(Map<UUID, String> statusById, Map<UUID, Set<UUID>> blockedBy) {
        List<UUID> ready = new ArrayList<>();
        statusById.forEach((id, status) -> {
            if ("open".equals(status) && blockedBy.getOrDefault(id, Set.of()).stream().allMatch(b -> "done".equals(statusById.get(b)))) {
                ready.add(id);
            }
        });
        return ready;
    }
}
