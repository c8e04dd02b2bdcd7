package dev.griddle.server.runner;

import dev.griddle.server.web.Caller;
import java.util.UUID;

/**
 * The check {@code POST /runners/{id}/versions} makes of a gated runner's candidate version: an
 * experiment of it over the gate's dataset against {@code baseline} (the latest published version,
 * null when there is none), waited for up to a configured time.
 */
public interface PublishGate {

    /**
     * {@code status}: the experiment's status when the wait ended ({@code completed}, {@code failed},
     * or {@code queued}/{@code running} when it is still going); {@code passed} only when completed
     * at or above {@code minPassRate}.
     */
    record Verdict(UUID experimentId, String status, Double passRate, double minPassRate, boolean passed, String error) {
    }

    Verdict check(Caller caller, UUID runnerId, int candidate, Integer baseline);
}
