package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.replay.Tapes;
import dev.griddle.server.secret.SecretMasking;
import dev.griddle.server.step.StepExecutor;
import dev.griddle.server.step.StepOutcome;
import dev.griddle.server.step.StepTask;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Calls the step executor of a task's kind and turns whatever happens into a {@link StepOutcome}:
 * its result, a timeout, an interrupt, or an exception (logged with the organization's secret values
 * masked). An executor's failure is the step's, never the engine's.
 */
@Component
class StepInvoker {

    private static final Logger log = LoggerFactory.getLogger(StepInvoker.class);

    private final Map<String, StepExecutor> executors;
    private final Duration defaultStepTimeout;
    private final LimitHits hits;
    private final SecretMasking masking;
    private final Tapes tapes;

    StepInvoker(List<StepExecutor> executors, GriddleProperties props, LimitHits hits, SecretMasking masking, Tapes tapes) {
        this.tapes = tapes;
        this.executors = executors.stream().collect(Collectors.toMap(StepExecutor::type, e -> e));
        this.defaultStepTimeout = props.engine().stepTimeout();
        this.hits = hits;
        this.masking = masking;
    }

    /** The step types this process has an executor for. */
    Set<String> types() {
        return executors.keySet();
    }

    /**
     * Runs the step's executor under its wall clock: its {@code timeout_ms}, or {@code griddle.engine.step-timeout}
     * for a step without one, so no executing step holds a slot forever. The executor sees that timeout in its
     * task and bounds its own I/O by it (an http step's body read, for one). The executor runs on one of
     * {@code threads}, so shutting those down interrupts it.
     */
    StepOutcome invoke(TaskRow task, ExecutorService threads) {
        StepExecutor executor = executors.get(task.kind());
        long timeoutMs = task.timeoutMs() != null ? task.timeoutMs() : defaultStepTimeout.toMillis();
        StepTask stepTask = new StepTask(task.id(), task.orgId(), task.runId(), task.stepId(), task.itemIndex(), task.attempt(), task.kind(),
                task.input(), timeoutMs, task.projectId(), task.runnerId(), task.runnerVersion());
        Future<StepOutcome> future = threads.submit(() -> call(executor, stepTask));
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            if (task.timeoutMs() == null) {
                hits.hit(LimitHits.Limit.STEP_TIMEOUT);
            }
            return StepOutcome.failed("step timed out after " + timeoutMs + " ms ("
                    + (task.timeoutMs() != null ? "timeout_ms" : "griddle.engine.step-timeout") + ")", true);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return StepOutcome.failed("step interrupted", true);
        } catch (ExecutionException e) {
            return StepOutcome.failed(task.kind() + " step crashed: " + e.getCause(), true);
        }
    }

    /** {@code e} as it may be logged: its message and its causes' with the org's secret values masked, the stack traces kept. */
    private RuntimeException masked(UUID orgId, Throwable e) {
        RuntimeException copy = new RuntimeException(e.getClass().getName() + ": " + masking.mask(orgId, String.valueOf(e.getMessage())),
                e.getCause() == null || e.getCause() == e ? null : masked(orgId, e.getCause()));
        copy.setStackTrace(e.getStackTrace());
        return copy;
    }

    private StepOutcome call(StepExecutor executor, StepTask task) {
        // with a timeout the executor runs on a thread of its own: give it the task's log context too
        MDC.put("run_id", task.runId().toString());
        MDC.put("step_id", task.stepId());
        try {
            // issue #18: the attempt's external calls recorded (or answered from a recording) on this thread
            return tapes.around(task, () -> executor.execute(task));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StepOutcome.failed("step interrupted", true);
        } catch (RuntimeException e) {
            log.warn("{} step {} of run {} threw", task.type(), task.stepId(), task.runId(), masked(task.orgId(), e));
            return StepOutcome.failed(task.type() + " step failed: " + e.getMessage(), true);
        } catch (StackOverflowError e) {
            log.warn("{} step {} of run {} overflowed the stack", task.type(), task.stepId(), task.runId(), masked(task.orgId(), e));
            return StepOutcome.failed(task.type() + " step failed: it overflowed the stack", false);
        }
    }
}
