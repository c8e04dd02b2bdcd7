package dev.griddle.server.llm;

import dev.griddle.server.web.FieldErrors;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * A runner's budget; null limits do not limit. {@code onExceed}: {@code pause} (the run waits as
 * {@code budget_paused}) or {@code fail}.
 */
record Budget(BigDecimal maxCostUsdPerRun, BigDecimal maxCostUsdPerDay, Long maxTokensPerRun, String onExceed) {

    /** A runner's budget when none was set: no limits, pause. */
    static final Budget NONE = new Budget(null, null, null, "pause");

    /**
     * The budget a request sets (API and {@code apply}): limits must be {@code >= 0}, {@code on_exceed}
     * {@code pause} (the default) or {@code fail}. Problems are added under {@code prefix}.
     */
    static Budget checked(BigDecimal maxCostUsdPerRun, BigDecimal maxCostUsdPerDay, Long maxTokensPerRun, String onExceed, String prefix,
            FieldErrors errors) {
        if (maxCostUsdPerRun != null && maxCostUsdPerRun.signum() < 0) {
            errors.add(prefix + "max_cost_usd_per_run", "must be >= 0, was " + maxCostUsdPerRun.toPlainString());
        }
        if (maxCostUsdPerDay != null && maxCostUsdPerDay.signum() < 0) {
            errors.add(prefix + "max_cost_usd_per_day", "must be >= 0, was " + maxCostUsdPerDay.toPlainString());
        }
        if (maxTokensPerRun != null && maxTokensPerRun < 0) {
            errors.add(prefix + "max_tokens_per_run", "must be >= 0, was " + maxTokensPerRun);
        }
        String action = onExceed == null ? "pause" : onExceed;
        if (!action.equals("pause") && !action.equals("fail")) {
            errors.add(prefix + "on_exceed", "must be 'pause' or 'fail', was '" + action + "'");
        }
        return new Budget(maxCostUsdPerRun, maxCostUsdPerDay, maxTokensPerRun, action);
    }

    /** Whether both set the same limits (numerically: a stored {@code 0.500000} is {@code 0.5}). */
    boolean sameAs(Budget other) {
        return same(maxCostUsdPerRun, other.maxCostUsdPerRun) && same(maxCostUsdPerDay, other.maxCostUsdPerDay)
                && Objects.equals(maxTokensPerRun, other.maxTokensPerRun) && onExceed.equals(other.onExceed);
    }

    private static boolean same(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }

    /** What has been spent when a model call is about to be made. {@code extraUsd}: what resumes added to this run's allowance. */
    record Spent(BigDecimal runCostUsd, long runTokens, BigDecimal dayCostUsd, BigDecimal extraUsd) {
    }

    boolean fails() {
        return "fail".equals(onExceed);
    }

    /**
     * Why the next model call may not be made, or empty when it may. A limit is reached when what
     * is spent is at or over it (the next call's cost is not known in advance). The run's extra
     * allowance raises both dollar limits for that run.
     */
    Optional<String> exceeded(Spent spent) {
        if (maxCostUsdPerRun != null) {
            BigDecimal limit = maxCostUsdPerRun.add(spent.extraUsd());
            if (spent.runCostUsd().compareTo(limit) >= 0) {
                return Optional.of("the run has spent $" + spent.runCostUsd().toPlainString() + " of its $" + limit.toPlainString()
                        + " (max_cost_usd_per_run" + extra(spent) + ")");
            }
        }
        if (maxCostUsdPerDay != null) {
            BigDecimal limit = maxCostUsdPerDay.add(spent.extraUsd());
            if (spent.dayCostUsd().compareTo(limit) >= 0) {
                return Optional.of("the runner's runs have spent $" + spent.dayCostUsd().toPlainString() + " today (UTC) of $"
                        + limit.toPlainString() + " (max_cost_usd_per_day" + extra(spent) + ")");
            }
        }
        if (maxTokensPerRun != null && spent.runTokens() >= maxTokensPerRun) {
            return Optional.of("the run has used " + spent.runTokens() + " of its " + maxTokensPerRun + " tokens (max_tokens_per_run)");
        }
        return Optional.empty();
    }

    private static String extra(Spent spent) {
        return spent.extraUsd().signum() > 0 ? " plus $" + spent.extraUsd().toPlainString() + " added on resume" : "";
    }
}
