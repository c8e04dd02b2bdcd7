package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Executor slots of this process per organization: one organization may hold at most
 * {@code griddle.engine.org-concurrency} of them at once (three quarters of
 * {@code griddle.engine.concurrency} by default, {@code griddle.engine.org-overrides.<org>.concurrency}
 * for one), so its slow steps never take every slot while another organization's work waits.
 */
final class OrgSlots {

    private final GriddleProperties.Engine engine;
    private final Map<UUID, Integer> held = new HashMap<>();

    OrgSlots(GriddleProperties.Engine engine) {
        this.engine = engine;
    }

    /** Takes a slot for the organization; false when it already holds all it may. */
    synchronized boolean take(UUID orgId) {
        int n = held.getOrDefault(orgId, 0);
        if (n >= engine.orgSlots(orgId)) {
            return false;
        }
        held.put(orgId, n + 1);
        return true;
    }

    /** Gives a slot back; true when the organization was at its cap, so its waiting tasks may be claimed again. */
    synchronized boolean give(UUID orgId) {
        int n = held.getOrDefault(orgId, 0);
        if (n <= 1) {
            held.remove(orgId);
        } else {
            held.put(orgId, n - 1);
        }
        return n >= engine.orgSlots(orgId);
    }

    /** The organizations holding all the slots they may: the claim skips their tasks. */
    synchronized UUID[] saturated() {
        return held.entrySet().stream().filter(e -> e.getValue() >= engine.orgSlots(e.getKey())).map(Map.Entry::getKey).toArray(UUID[]::new);
    }
}
