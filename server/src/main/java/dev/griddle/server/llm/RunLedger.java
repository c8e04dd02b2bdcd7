package dev.griddle.server.llm;

import dev.griddle.server.engine.RunReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What budgets read of runs, through the engine's {@link RunReader}: a run's committed spend and
 * allowance, and what a runner's runs spent today (UTC). It is budget accounting, not a run's facts:
 * those (runner, version, project) come with the step task.
 */
@Component
class RunLedger {

    private final RunReader runs;

    RunLedger(RunReader runs) {
        this.runs = runs;
    }

    RunReader.Spend spend(UUID orgId, UUID runId) {
        return runs.spend(orgId, runId).orElse(RunReader.Spend.NONE);
    }

    BigDecimal spentToday(UUID orgId, UUID runnerId, Instant now) {
        return runs.spentSince(orgId, runnerId, now.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
    }
}
