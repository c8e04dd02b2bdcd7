package dev.griddle.server.llm;

import dev.griddle.server.engine.RunReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What budgets read of runs, through the engine's {@link RunReader}: a run's committed totals and
 * allowance, and what a runner's runs spent today (UTC).
 */
@Component
class RunLedger {

    /** A run as budgets and the llm step see it. */
    record RunInfo(UUID runnerId, UUID projectId, int version, BigDecimal costUsd, long tokens, BigDecimal extraUsd) {
    }

    private final RunReader runs;

    RunLedger(RunReader runs) {
        this.runs = runs;
    }

    Optional<RunInfo> run(UUID orgId, UUID runId) {
        return runs.spend(orgId, runId).map(s -> new RunInfo(s.runnerId(), s.projectId(), s.version(), s.costUsd(), s.tokens(), s.extraUsd()));
    }

    BigDecimal spentToday(UUID orgId, UUID runnerId, Instant now) {
        return runs.spentSince(orgId, runnerId, now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
