package dev.griddle.server.engine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks this process is executing, by task id, and the rule for stopping one: only while it is
 * inside its step executor may its thread be interrupted, since interrupting a thread inside JDBC
 * would break its connection.
 */
final class InFlight {

    private static final Logger log = LoggerFactory.getLogger(InFlight.class);

    private final Map<UUID, Execution> executions = new ConcurrentHashMap<>();
    private final TaskQueue queue;

    InFlight(TaskQueue queue, MeterRegistry meters) {
        this.queue = queue;
        Gauge.builder("griddle.tasks.in_flight", executions, Map::size).description("Tasks this process is executing").register(meters);
    }

    /** One task this process runs, on {@code thread}; {@code executing} while inside the step executor. */
    static final class Execution {
        private final UUID runId;
        private final Thread thread;
        volatile boolean executing;

        private Execution(UUID runId, Thread thread) {
            this.runId = runId;
            this.thread = thread;
        }

        private void stop() {
            if (executing) {
                thread.interrupt();
            }
        }
    }

    /** The calling thread starts running {@code task}. */
    Execution begin(TaskRow task) {
        Execution execution = new Execution(task.runId(), Thread.currentThread());
        executions.put(task.id(), execution);
        return execution;
    }

    void end(UUID taskId) {
        executions.remove(taskId);
    }

    Set<UUID> ids() {
        return executions.keySet();
    }

    /** Interrupts the executions whose leases this process no longer holds. */
    void abandon(Set<UUID> lost) {
        for (UUID id : lost) {
            Execution e = executions.get(id);
            if (e != null) {
                log.warn("Lost the lease of task {}; stopping its execution", id);
                e.stop();
            }
        }
    }

    /** The run's tasks were deleted (cancelled, failed fast): interrupt what this process still runs of them. */
    void withdrawn(UUID runId) {
        executions.forEach((taskId, e) -> {
            if (e.runId.equals(runId) && e.executing && queue.find(taskId).isEmpty()) {
                e.stop();
            }
        });
    }
}
