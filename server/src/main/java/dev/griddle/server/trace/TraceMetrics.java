package dev.griddle.server.trace;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The run, step and model series on {@code /metrics}. They are fed by the rollup job from finished
 * runs (so the engine's path is untouched): each finished run is counted once across all
 * processes, by the process whose job handled it; sum over instances in Prometheus.
 */
@Component
class TraceMetrics {

    private final MeterRegistry meters;
    private final Counter started;
    final AtomicLong readyTasks = new AtomicLong();
    final AtomicLong oldestReadyAgeMillis = new AtomicLong();

    TraceMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.started = Counter.builder("griddle.runs.started").description("Runs started (counted by creation time)").register(meters);
        for (String status : List.of("succeeded", "failed", "cancelled")) {
            finished(status);
        }
        Gauge.builder("griddle.tasks.ready", readyTasks, AtomicLong::get).description("Tasks ready to be claimed, all processes")
                .register(meters);
        Gauge.builder("griddle.tasks.oldest.ready.age", oldestReadyAgeMillis, a -> a.get() / 1000.0).baseUnit("seconds")
                .description("How long the oldest ready task has waited to be claimed").register(meters);
    }

    private Counter finished(String status) {
        return Counter.builder("griddle.runs.finished").tag("status", status).description("Runs finished, by final status").register(meters);
    }

    void runsStarted(long n) {
        started.increment(n);
    }

    void recorded(List<String> finishedStatuses, List<Usage.StepSample> steps, List<Usage.ModelSample> models) {
        finishedStatuses.forEach(s -> finished(s).increment());
        for (Usage.StepSample step : steps) {
            Timer.builder("griddle.step.duration").tag("type", step.type()).description("Step attempt duration by step type")
                    .publishPercentileHistogram().register(meters).record(Duration.ofMillis(step.durationMs()));
        }
        for (Usage.ModelSample m : models) {
            Counter.builder("griddle.llm.tokens").tag("model", m.model()).tag("direction", "input").register(meters).increment(m.inputTokens());
            Counter.builder("griddle.llm.tokens").tag("model", m.model()).tag("direction", "output").register(meters).increment(m.outputTokens());
            Counter.builder("griddle.llm.cost.usd").tag("model", m.model()).register(meters).increment(m.costUsd().doubleValue());
        }
    }
}
