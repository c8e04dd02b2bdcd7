package dev.griddle.server.trace;

import dev.griddle.server.engine.RunRow;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Finished runs summed per hour, runner and project: what the rollup tables hold, built from span
 * trees. The rollup job writes one of these per batch; analytics build one for the runs the job has
 * not reached yet.
 */
final class Usage {

    /** Where a finished run is counted: the hour it finished (UTC), its organization, runner and project. */
    record Cell(UUID orgId, Instant hour, UUID runnerId, UUID projectId) {
    }

    static final class Runs {
        long runs;
        long succeeded;
        long failed;
        long cancelled;
        long steps;
        /** Knowledge searches: {@code retrieval} spans (retrieve steps and knowledge_search calls). */
        long retrievals;
        long inputTokens;
        long outputTokens;
        BigDecimal costUsd = BigDecimal.ZERO;
    }

    static final class Steps {
        long attempts;
        long failed;
        long durationMs;
    }

    static final class Models {
        long calls;
        long inputTokens;
        long outputTokens;
        BigDecimal costUsd = BigDecimal.ZERO;
    }

    /** A step attempt as a metric sees it. */
    record StepSample(String type, String status, long durationMs) {
    }

    /** A model call as a metric sees it. */
    record ModelSample(String model, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    final Map<Cell, Runs> runs = new LinkedHashMap<>();
    final Map<Cell, Map<Integer, Long>> durations = new LinkedHashMap<>();
    final Map<Cell, Map<String, Steps>> steps = new LinkedHashMap<>();
    final Map<Cell, Map<String, Models>> models = new LinkedHashMap<>();
    /** Per cell, by what started the runs ({@code trigger_type}): their runs, outcomes and cost. */
    final Map<Cell, Map<String, Runs>> triggers = new LinkedHashMap<>();

    void add(RunRow run, List<Span> spans, List<StepSample> stepSamples, List<ModelSample> modelSamples) {
        Cell cell = new Cell(run.orgId(), run.finishedAt().truncatedTo(ChronoUnit.HOURS), run.runnerId(), run.projectId());
        Span root = spans.getFirst();
        Runs r = runs.computeIfAbsent(cell, c -> new Runs());
        count(r, run, root);
        r.inputTokens += root.inputTokens();
        r.outputTokens += root.outputTokens();
        count(triggers.computeIfAbsent(cell, c -> new TreeMap<>()).computeIfAbsent(run.triggerType(), t -> new Runs()), run, root);
        long duration = Math.max(0, run.finishedAt().toEpochMilli() - run.createdAt().toEpochMilli());
        durations.computeIfAbsent(cell, c -> new TreeMap<>()).merge(DurationBuckets.bucket(duration), 1L, Long::sum);
        for (Span span : spans) {
            if (span.stepAttempt()) {
                r.steps++;
                String type = span.attribute("step_type");
                Steps s = steps.computeIfAbsent(cell, c -> new TreeMap<>()).computeIfAbsent(type == null ? "unknown" : type, t -> new Steps());
                s.attempts++;
                long ms = span.durationMs() == null ? 0 : span.durationMs();
                s.durationMs += ms;
                if (span.status().equals("failed")) {
                    s.failed++;
                }
                if (stepSamples != null) {
                    stepSamples.add(new StepSample(type == null ? "unknown" : type, span.status(), ms));
                }
            } else if (span.kind().equals(RetrievalSpans.KIND)) {
                r.retrievals++;
            } else if (span.kind().equals("llm")) {
                String model = span.attribute("model");
                Models m = models.computeIfAbsent(cell, c -> new TreeMap<>()).computeIfAbsent(model, k -> new Models());
                m.calls++;
                m.inputTokens += span.inputTokens();
                m.outputTokens += span.outputTokens();
                m.costUsd = m.costUsd.add(span.costUsd());
                if (modelSamples != null) {
                    modelSamples.add(new ModelSample(model, span.inputTokens(), span.outputTokens(), span.costUsd()));
                }
            }
        }
    }

    /** Counts a finished run and its cost into {@code r}. */
    private static void count(Runs r, RunRow run, Span root) {
        r.runs++;
        switch (run.status()) {
            case SUCCEEDED -> r.succeeded++;
            case FAILED -> r.failed++;
            case CANCELLED -> r.cancelled++;
            default -> {
                // only finished runs are rolled up
            }
        }
        r.costUsd = r.costUsd.add(root.costUsd());
    }
}
