package dev.griddle.server.engine;

import dev.griddle.server.GriddleProperties;
import dev.griddle.server.step.StepOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This process's executors: claims ready tasks only while it has free capacity, runs each on a
 * virtual thread under its wall clock (its {@code timeout_ms} or {@code griddle.engine.step-timeout}), and reports the outcome. Woken by {@link Wakeups};
 * otherwise sleeps until the next task becomes ready, at most a second (the polling fallback).
 */
@Component
class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final int BATCH = 32;

    private final TaskQueue queue;
    private final Completer completer;
    private final InternalTasks internal;
    private final Wakeups wakeups;
    private final Clock clock;
    private final StepInvoker invoker;
    private final Set<String> kinds;
    private final int concurrency;
    private final Duration lease;
    private final boolean enabled;
    private final String owner = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final Semaphore permits;
    private final InFlight inFlight;
    private final Duration drainTimeout;
    private final LimitHits hits;
    private final OrgSlots slots;

    /**
     * Made anew by each {@link #start()}: a stopped lifecycle may be started again (Spring's test
     * context cache pauses inactive contexts and restarts them), and a shut-down executor rejects all work.
     */
    private volatile ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Timer claimTimer;
    private final Counter eagerTasks;
    private volatile boolean running;
    private Thread loop;

    Dispatcher(TaskQueue queue, Completer completer, InternalTasks internal, Wakeups wakeups, Clock clock, StepInvoker invoker,
            GriddleProperties props, MeterRegistry meters, LimitHits hits) {
        this.hits = hits;
        this.invoker = invoker;
        this.slots = new OrgSlots(props.engine());
        this.queue = queue;
        this.completer = completer;
        this.internal = internal;
        this.wakeups = wakeups;
        this.clock = clock;
        Set<String> all = new HashSet<>(invoker.types());
        all.addAll(InternalKinds.ALL);
        this.kinds = Set.copyOf(all);
        this.concurrency = props.engine().concurrency();
        this.lease = props.engine().taskLease();
        this.enabled = props.engine().enabled();
        this.permits = new Semaphore(concurrency);
        this.drainTimeout = props.engine().drainTimeout();
        this.inFlight = new InFlight(queue, meters);
        wakeups.onTasksWithdrawn(inFlight::withdrawn);
        this.claimTimer = Timer.builder("griddle.tasks.claim").description("Duration of one claim statement (select ready tasks and lease them)")
                .publishPercentiles(0.5, 0.95, 0.99).register(meters);
        this.eagerTasks = Counter.builder("griddle.tasks.eager")
                .description("Tasks leased to this process by the transaction that queued them (eager dispatch), without a claim")
                .register(meters);
    }

    String owner() {
        return owner;
    }

    Set<UUID> inFlight() {
        return inFlight.ids();
    }

    /** Interrupts the executions whose leases this process no longer holds. */
    void abandon(Set<UUID> lost) {
        inFlight.abandon(lost);
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        if (threads.isShutdown()) {
            threads = Executors.newVirtualThreadPerTaskExecutor();
        }
        running = true;
        loop = Thread.ofVirtual().name("dispatcher").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
        // Drain: give running steps a moment to finish and report; what is left is re-run once its lease expires.
        threads.shutdown();
        try {
            if (!threads.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stop before the web server and the DataSource go away
        return Integer.MAX_VALUE - 2048;
    }

    private void loop() {
        while (running) {
            try {
                long seen = wakeups.taskSignals();
                int free = permits.availablePermits();
                if (free == 0) {
                    permits.acquire();
                    permits.release();
                    continue;
                }
                Instant now = clock.instant();
                long t0 = System.nanoTime();
                UUID[] saturated = slots.saturated();
                List<TaskRow> claimed = queue.claimLocal(owner, kinds, Math.min(free, BATCH), lease, now, saturated);
                claimTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                List<UUID> over = new ArrayList<>();
                for (TaskRow task : claimed) {
                    if (!slots.take(task.orgId())) {
                        over.add(task.id()); // one claim may bring more of an organization's tasks than it has slots left
                        continue;
                    }
                    permits.acquire();
                    threads.submit(() -> execute(task));
                }
                if (!over.isEmpty()) {
                    queue.unclaim(owner, over);
                    hits.hit(LimitHits.Limit.ORG_CONCURRENCY);
                }
                if (claimed.size() == over.size()) {
                    long sleep = queue.nextReadyAt(slots.saturated()).map(at -> Duration.between(clock.instant(), at).toMillis()).orElse(1000L);
                    wakeups.awaitTasks(seen, Math.max(1, Math.min(sleep, 1000)));
                }
            } catch (InterruptedException e) {
                if (!running) {
                    Thread.currentThread().interrupt();
                    return;
                }
                // an interrupt stop() did not send: the loop goes on rather than leave this node without a dispatcher
            } catch (Throwable e) {
                if (!running) {
                    return;
                }
                log.warn("Dispatcher loop failed ({}); retrying in 1 s", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void execute(TaskRow task) {
        InFlight.Execution execution = inFlight.begin(task);
        // run and step ids on every log line written while this task runs (structured logs carry MDC keys)
        MDC.put("run_id", task.runId().toString());
        MDC.put("step_id", task.stepId());
        try {
            if (InternalKinds.ALL.contains(task.kind())) {
                dispatch(queue.eagerly(owner, lease, kinds, permits, () -> internal.run(task)));
                return;
            }
            // The step turns running in its own transaction, off the critical path: the executor starts at
            // once and the completion waits for it, so step_started always precedes the result. Items of a
            // for_each share the step's start and need no transaction of their own.
            Future<Boolean> started = task.itemIndex() >= 0 ? CompletableFuture.completedFuture(true)
                    : threads.submit(() -> completer.markStarted(task));
            StepOutcome outcome;
            execution.executing = true;
            try {
                outcome = invoker.invoke(task, threads);
            } finally {
                execution.executing = false;
            }
            boolean interrupted = Thread.interrupted();
            if (interrupted && !running) {
                return; // shutting down mid-step: the lease expires and another process retries it
            }
            if (!Boolean.TRUE.equals(awaitQuietly(started))) {
                queue.release(task.id(), task.leaseToken()); // the run or step was called off: drop the task and its result
                return;
            }
            dispatch(queue.eagerly(owner, lease, kinds, permits, () -> completer.complete(task, task.leaseToken(), outcome)));
        } catch (Throwable e) {
            // Errors too (a StackOverflowError advancing the run): logged here, the lease runs out and the reaper retries,
            // up to griddle.engine.internal-task-attempts for engine-internal tasks
            log.error("Task {} (run {}, step {}) failed in the engine", task.id(), task.runId(), task.stepId(), e);
        } finally {
            MDC.remove("run_id");
            MDC.remove("step_id");
            inFlight.end(task.id());
            permits.release();
            if (slots.give(task.orgId())) {
                wakeups.signalTasks(); // the organization's waiting tasks may be claimed again
            }
        }
    }

    /**
     * Runs the successors the completion leased to this process (each holds a permit already). A
     * successor whose organization holds all its executor slots here is handed back to the queue, so
     * eager dispatch never lets one organization past its share.
     */
    private void dispatch(List<TaskRow> leased) {
        List<UUID> over = new ArrayList<>();
        for (TaskRow next : leased) {
            if (!slots.take(next.orgId())) {
                over.add(next.id());
                permits.release();
                continue;
            }
            eagerTasks.increment();
            try {
                threads.submit(() -> execute(next));
            } catch (RejectedExecutionException e) {
                permits.release(); // shutting down: the lease expires and another process runs it
                slots.give(next.orgId());
            }
        }
        if (!over.isEmpty()) {
            queue.unclaim(owner, over);
            hits.hit(LimitHits.Limit.ORG_CONCURRENCY);
        }
    }

    private static Boolean awaitQuietly(Future<Boolean> future) {
        while (true) {
            try {
                return future.get();
            } catch (InterruptedException e) {
                // an interrupt aimed at the step may arrive late; the start transaction still finishes
            } catch (ExecutionException e) {
                log.warn("Marking a step started failed: {}", e.getCause().toString());
                return false;
            }
        }
    }
}
