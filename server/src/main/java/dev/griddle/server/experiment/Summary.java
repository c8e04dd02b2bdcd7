package dev.griddle.server.experiment;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * An experiment's figures over its finished cases. Rates are over finished cases (the baseline's
 * over those with a baseline output). Deltas are the version's figure minus the baseline's, over
 * the cases that have both (null when none has): {@code cost_usd_delta} and {@code tokens_delta}
 * summed, {@code latency_ms_p50_delta} between the two medians. {@code evaluation_cost_usd}: what
 * {@code llm_judge} evaluators cost.
 */
public record Summary(int cases, int finished, Double passRate, Double baselinePassRate, BigDecimal costUsd, BigDecimal costUsdDelta, Long latencyMsP50,
        Long latencyMsP50Delta, Long tokensDelta, BigDecimal evaluationCostUsd) {

    static Summary of(List<ExperimentStore.ExpCase> all) {
        List<ExperimentStore.ExpCase> done = all.stream().filter(c -> c.status().equals("done")).toList();
        Double passRate = done.isEmpty() ? null : rate(done.stream().filter(c -> Boolean.TRUE.equals(c.passed())).count(), done.size());
        List<ExperimentStore.ExpCase> withBaseline = done.stream().filter(c -> c.baselinePassed() != null).toList();
        Double baselinePassRate = withBaseline.isEmpty() ? null
                : rate(withBaseline.stream().filter(c -> Boolean.TRUE.equals(c.baselinePassed())).count(), withBaseline.size());
        BigDecimal cost = done.stream().map(c -> c.costUsd() == null ? BigDecimal.ZERO : c.costUsd()).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<ExperimentStore.ExpCase> costed = done.stream().filter(c -> c.costUsd() != null && c.baselineCostUsd() != null).toList();
        BigDecimal costDelta = costed.isEmpty() ? null
                : costed.stream().map(c -> c.costUsd().subtract(c.baselineCostUsd())).reduce(BigDecimal.ZERO, BigDecimal::add);
        Long p50 = median(done.stream().map(ExperimentStore.ExpCase::durationMs).filter(Objects::nonNull).toList());
        List<ExperimentStore.ExpCase> timed = done.stream().filter(c -> c.durationMs() != null && c.baselineDurationMs() != null).toList();
        Long p50Delta = timed.isEmpty() ? null
                : median(timed.stream().map(ExperimentStore.ExpCase::durationMs).toList()) - median(timed.stream().map(ExperimentStore.ExpCase::baselineDurationMs).toList());
        List<ExperimentStore.ExpCase> counted = done.stream().filter(c -> c.tokens() != null && c.baselineTokens() != null).toList();
        Long tokensDelta = counted.isEmpty() ? null : counted.stream().mapToLong(c -> c.tokens() - c.baselineTokens()).sum();
        BigDecimal judges = all.stream().map(c -> c.evaluationCostUsd() == null ? BigDecimal.ZERO : c.evaluationCostUsd())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Summary(all.size(), done.size(), passRate, baselinePassRate, cost, costDelta, p50, p50Delta, tokensDelta, judges);
    }

    private static double rate(long passed, int of) {
        return Math.round(passed * 10000.0 / of) / 10000.0;
    }

    /** The median (the lower middle of an even count), or null for none. */
    static Long median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }
}
