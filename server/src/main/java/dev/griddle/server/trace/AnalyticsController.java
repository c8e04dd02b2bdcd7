package dev.griddle.server.trace;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Analytics over finished runs, counted in the hour they finished (UTC). {@code from} is rounded
 * down and {@code to} up to whole hours (days for daily series): rollups are hourly. The console's
 * analytics page calls the same two methods, as its signed-in key.
 */
@RestController
public class AnalyticsController {

    public record ModelUsage(String model, long calls, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    public record StepTypeUsage(String stepType, long attempts, long failed, long avgDurationMs) {
    }

    public record RunnerUsage(UUID runnerId, String name, long runs, long succeeded, long failed, long cancelled, Double successRate, Long p50DurationMs,
            Long p95DurationMs, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    /** The finished runs one kind of trigger started ({@code api, cron, webhook, runner, replay, experiment}). */
    public record TriggerUsage(String triggerType, long runs, long succeeded, long failed, long cancelled, Double successRate, BigDecimal costUsd) {
    }

    public record Summary(String window, Instant from, Instant to, long runs, long succeeded, long failed, long cancelled, Double successRate,
            long liveRuns, Long p50DurationMs, Long p95DurationMs, long stepsExecuted, long retrievals, long threadTurns, long inputTokens, long outputTokens,
            BigDecimal costUsd, List<ModelUsage> byModel, List<StepTypeUsage> byStepType, List<RunnerUsage> byRunner, List<TriggerUsage> byTrigger) {
    }

    public record Point(Instant t, Number value) {
    }

    public record Series(List<Point> data, Meta meta) {
        public record Meta(String metric, String granularity, Instant from, Instant to) {
        }
    }

    private static final Map<String, Duration> WINDOWS = Map.of("day", Duration.ofDays(1), "week", Duration.ofDays(7), "month", Duration.ofDays(30));
    private static final Set<String> METRICS = Set.of("runs", "cost_usd", "tokens", "steps");
    private static final int MAX_POINTS = 5000;

    private final AnalyticsQueries queries;
    private final ObjectProvider<TurnUsage> turnUsage;
    private final Clock clock;

    AnalyticsController(AnalyticsQueries queries, ObjectProvider<TurnUsage> turnUsage, Clock clock) {
        this.queries = queries;
        this.turnUsage = turnUsage;
        this.clock = clock;
    }

    /**
     * Without {@code from}, the window ({@code day}, the default, {@code week}, {@code month} or
     * {@code all}) ending at {@code to} (default now). Chat-thread turns count in
     * {@code thread_turns}, the tokens, the cost and {@code by_model}, unless {@code runner_id} is
     * given; {@code agent_id} narrows to that agent's turns (no run belongs to an agent yet).
     */
    @Operation(summary = "Summarize runs over a window",
            description = "window=day|week|month|all (or from/to), optionally one runner_id or agent_id: runs, success rate, p50/p95 "
                    + "duration, tokens and cost, by model, step type, runner and trigger type (by_trigger: an experiment's runs count under experiment).")
    @GetMapping("/api/v1/analytics/summary")
    public Summary summary(Caller caller, @RequestParam(required = false) String window, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(name = "runner_id", required = false) String runnerId,
            @RequestParam(name = "agent_id", required = false) String agentId) {
        FieldErrors errors = new FieldErrors();
        String w = window == null || window.isBlank() ? "day" : window.trim();
        if (!w.equals("all") && !WINDOWS.containsKey(w)) {
            errors.add("window", "must be one of day, week, month, all; was '" + window + "'");
        }
        Instant fromAt = Params.time("from", from, errors);
        Instant toAt = Params.time("to", to, errors);
        UUID runner = Params.uuid("runner_id", runnerId, errors);
        UUID agent = Params.uuid("agent_id", agentId, errors);
        errors.throwIfAny();
        Instant end = ceil(toAt == null ? clock.instant() : toAt, ChronoUnit.HOURS);
        Instant start = fromAt != null ? fromAt.truncatedTo(ChronoUnit.HOURS)
                : w.equals("all") ? Instant.EPOCH : end.minus(WINDOWS.get(w)).truncatedTo(ChronoUnit.HOURS);
        checkRange(start, end, errors);
        AnalyticsQueries.Scope scope = scope(caller, start, end, runner);
        AnalyticsQueries.Totals totals = agent != null ? new AnalyticsQueries.Totals() : queries.totals(scope);
        long turns = runner != null ? 0 : totals.addTurns(turns(scope, agent));
        Usage.Runs all = totals.overall();
        List<ModelUsage> models = new ArrayList<>();
        totals.models.forEach((model, m) -> models.add(new ModelUsage(model, m.calls, m.inputTokens, m.outputTokens, AnalyticsQueries.money(m.costUsd))));
        List<StepTypeUsage> types = new ArrayList<>();
        totals.steps.forEach((type, s) -> types.add(new StepTypeUsage(type, s.attempts, s.failed, s.attempts == 0 ? 0 : s.durationMs / s.attempts)));
        Map<UUID, String> names = queries.runnerNames(caller.orgId(), totals.runners.keySet());
        List<RunnerUsage> runners = new ArrayList<>();
        totals.runners.forEach((id, r) -> {
            java.util.SortedMap<Integer, Long> d = totals.runnerDurations.getOrDefault(id, new TreeMap<>());
            runners.add(new RunnerUsage(id, names.get(id), r.runs, r.succeeded, r.failed, r.cancelled, rate(r), DurationBuckets.quantile(d, 0.5),
                    DurationBuckets.quantile(d, 0.95), r.inputTokens, r.outputTokens, AnalyticsQueries.money(r.costUsd)));
        });
        runners.sort(java.util.Comparator.comparing(RunnerUsage::costUsd).reversed().thenComparing(RunnerUsage::runs, java.util.Comparator.reverseOrder())
                .thenComparing(RunnerUsage::runnerId));
        return new Summary(w, start, end, all.runs, all.succeeded, all.failed, all.cancelled, rate(all), agent != null ? 0 : queries.live(scope),
                DurationBuckets.quantile(totals.durations, 0.5), DurationBuckets.quantile(totals.durations, 0.95), all.steps, all.retrievals, turns,
                all.inputTokens, all.outputTokens, AnalyticsQueries.money(all.costUsd), models, types, runners, byTrigger(totals));
    }

    private static List<TriggerUsage> byTrigger(AnalyticsQueries.Totals totals) {
        List<TriggerUsage> triggers = new ArrayList<>();
        totals.triggers.forEach((type, r) -> triggers.add(new TriggerUsage(type, r.runs, r.succeeded, r.failed, r.cancelled, rate(r),
                AnalyticsQueries.money(r.costUsd))));
        return triggers;
    }

    /** Succeeded / finished runs, to 4 places; null without runs. */
    private static Double rate(Usage.Runs r) {
        return r.runs == 0 ? null : BigDecimal.valueOf(r.succeeded).divide(BigDecimal.valueOf(r.runs), 4, RoundingMode.HALF_EVEN).doubleValue();
    }

    private List<TurnUsage.Hourly> turns(AnalyticsQueries.Scope scope, UUID agent) {
        TurnUsage usage = turnUsage.getIfAvailable();
        return usage == null ? List.of() : usage.hourly(scope.orgId(), scope.from(), scope.to(), agent, scope.projectIds());
    }

    /**
     * Zero-filled buckets of {@code granularity} over [from, to); defaults: the last 24 hours (hourly)
     * or 30 days (daily). {@code tokens} and {@code cost_usd} include chat-thread turns unless
     * {@code runner_id} is given.
     */
    @Operation(summary = "A metric over time",
            description = "metric=runs|cost_usd|tokens|steps per granularity=hour|day between from and to: {data: [{t, value}], meta: "
                    + "{metric, granularity}}.")
    @GetMapping("/api/v1/analytics/timeseries")
    public Series timeseries(Caller caller, @RequestParam(required = false) String metric, @RequestParam(required = false) String granularity,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(name = "runner_id", required = false) String runnerId) {
        FieldErrors errors = new FieldErrors();
        String m = metric == null || metric.isBlank() ? "runs" : metric.trim();
        if (!METRICS.contains(m)) {
            errors.add("metric", "must be one of runs, cost_usd, tokens, steps; was '" + metric + "'");
        }
        String g = granularity == null || granularity.isBlank() ? "hour" : granularity.trim();
        if (!g.equals("hour") && !g.equals("day")) {
            errors.add("granularity", "must be hour or day, was '" + granularity + "'");
        }
        Instant fromAt = Params.time("from", from, errors);
        Instant toAt = Params.time("to", to, errors);
        UUID runner = Params.uuid("runner_id", runnerId, errors);
        errors.throwIfAny();
        ChronoUnit unit = g.equals("day") ? ChronoUnit.DAYS : ChronoUnit.HOURS;
        Instant end = ceil(toAt == null ? clock.instant() : toAt, unit);
        Instant start = fromAt != null ? fromAt.truncatedTo(unit) : end.minus(unit == ChronoUnit.DAYS ? Duration.ofDays(30) : Duration.ofDays(1));
        checkRange(start, end, errors);
        if (Duration.between(start, end).dividedBy(unit.getDuration()) > MAX_POINTS) {
            errors.add("from", "the range holds more than " + MAX_POINTS + " " + g + "s; narrow from/to or use a coarser granularity");
            errors.throwIfAny();
        }
        AnalyticsQueries.Scope scope = scope(caller, start, end, runner);
        AnalyticsQueries.Totals totals = queries.totals(scope);
        if (runner == null) {
            totals.addTurns(turns(scope, null));
        }
        TreeMap<Instant, Number> buckets = new TreeMap<>();
        for (Instant t = start; t.isBefore(end); t = t.plus(unit.getDuration())) {
            buckets.put(t, m.equals("cost_usd") ? BigDecimal.ZERO : 0L);
        }
        totals.hours.forEach((hour, r) -> buckets.merge(hour.truncatedTo(unit), value(m, r), AnalyticsController::plus));
        List<Point> data = new ArrayList<>();
        buckets.forEach((t, v) -> data.add(new Point(t, v instanceof BigDecimal d ? AnalyticsQueries.money(d) : v)));
        return new Series(data, new Series.Meta(m, g, start, end));
    }

    private static Number value(String metric, Usage.Runs r) {
        return switch (metric) {
            case "runs" -> r.runs;
            case "steps" -> r.steps;
            case "tokens" -> r.inputTokens + r.outputTokens;
            default -> r.costUsd;
        };
    }

    private static Number plus(Number a, Number b) {
        return a instanceof BigDecimal x ? x.add((BigDecimal) b) : (Number) (a.longValue() + b.longValue());
    }

    private static void checkRange(Instant start, Instant end, FieldErrors errors) {
        if (!start.isBefore(end)) {
            errors.add("from", "must be before to (" + end + "), was " + start);
        }
        errors.throwIfAny();
    }

    private static Instant ceil(Instant at, ChronoUnit unit) {
        Instant floor = at.truncatedTo(unit);
        return floor.equals(at) ? at : floor.plus(unit.getDuration());
    }

    private static AnalyticsQueries.Scope scope(Caller caller, Instant from, Instant to, UUID runner) {
        return new AnalyticsQueries.Scope(caller.orgId(), from, to, runner, caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new));
    }
}
