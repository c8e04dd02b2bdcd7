package dev.griddle.server.runner;

import java.util.List;

/**
 * What every step has, whatever its type: its place in the graph ({@code needs}), when it runs
 * ({@code if}, {@code disabled}), how often it is tried, its deadline, where it runs and its
 * fan-out. Defaults are applied here: no needs, no labels, {@link RetryPolicy#NONE}.
 */
public record StepCommon(String id, List<String> needs, String condition, RetryPolicy retry, Long timeoutMs, List<String> runsOn,
        String forEach, Integer maxParallel, boolean disabled) {

    public StepCommon {
        needs = needs == null ? List.of() : List.copyOf(needs);
        runsOn = runsOn == null ? List.of() : List.copyOf(runsOn);
        retry = retry == null ? RetryPolicy.NONE : retry;
    }
}
