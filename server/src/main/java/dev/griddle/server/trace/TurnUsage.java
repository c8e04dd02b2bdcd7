package dev.griddle.server.trace;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What chat-thread turns cost, for analytics: implemented by the thread feature, which owns its
 * tables. A turn counts in the hour its answer finished (UTC), like a run.
 */
public interface TurnUsage {

    /** The answers of one hour and model: how many, their model calls, tokens and cost. */
    record Hourly(Instant hour, String model, long turns, long calls, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    /** {@code agentId} and {@code projectIds} (the agents' projects) narrow it when not null. */
    List<Hourly> hourly(UUID orgId, Instant from, Instant to, UUID agentId, UUID[] projectIds);
}
