package dev.griddle.server.engine;

import dev.griddle.server.store.PgNotifications;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Who to wake when work or events are committed: this process's dispatcher and event streams at
 * once (after commit), other processes through {@code NOTIFY}. Polling is only the fallback.
 */
@Component
public class Wakeups {

    static final String TASKS = "griddle_tasks";
    static final String EVENTS = "griddle_events";
    static final String SESSION_EVENTS = "griddle_session_events";

    private final PgNotifications pg;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition tasksReady = lock.newCondition();
    private long taskSignals;
    private final Map<UUID, Set<Runnable>> runListeners = new ConcurrentHashMap<>();
    private final Map<UUID, Set<Runnable>> sessionListeners = new ConcurrentHashMap<>();
    private final Set<java.util.function.Consumer<UUID>> anyRunListeners = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Consumer<UUID> withdrawn = runId -> { };

    Wakeups(PgNotifications pg) {
        this.pg = pg;
        pg.listen(TASKS, payload -> signalTasks());
        pg.listen(EVENTS, payload -> {
            if (!payload.isEmpty()) {
                signalRun(UUID.fromString(payload));
            }
        });
        pg.listen(SESSION_EVENTS, payload -> {
            if (!payload.isEmpty()) {
                signal(sessionListeners, UUID.fromString(payload));
            }
        });
    }

    /** Within a transaction: wake claimers everywhere once it commits. */
    void tasksEnqueued() {
        pg.publishAfterCommit(TASKS, "");
        afterCommit(this::signalTasks);
    }

    /** Within a transaction: wake this run's event streams everywhere once it commits. */
    void eventsAppended(UUID runId) {
        pg.publishAfterCommit(EVENTS, runId.toString());
        afterCommit(() -> signalRun(runId));
    }

    /** Within a transaction: wake this session's timeline streams everywhere once it commits (package {@code session}). */
    public void sessionEventsAppended(UUID sessionId) {
        pg.publishAfterCommit(SESSION_EVENTS, sessionId.toString());
        afterCommit(() -> signal(sessionListeners, sessionId));
    }

    /** Registers a callback run whenever events are appended to session {@code sessionId}'s timeline; close the handle to stop. */
    public AutoCloseable onSessionEvents(UUID sessionId, Runnable listener) {
        return register(sessionListeners, sessionId, listener);
    }

    /** Within a transaction: once it commits, stop this process's executions of the run's deleted tasks. */
    void tasksWithdrawn(UUID runId) {
        afterCommit(() -> withdrawn.accept(runId));
    }

    void onTasksWithdrawn(java.util.function.Consumer<UUID> listener) {
        this.withdrawn = listener;
    }

    void signalTasks() {
        lock.lock();
        try {
            taskSignals++;
            tasksReady.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a task signal or the timeout, whichever comes first. */
    void awaitTasks(long seenSignals, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            if (taskSignals == seenSignals && timeoutMillis > 0) {
                tasksReady.await(timeoutMillis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    long taskSignals() {
        lock.lock();
        try {
            return taskSignals;
        } finally {
            lock.unlock();
        }
    }

    /** Registers a callback run whenever events are appended to {@code runId}; close the handle to stop. */
    public AutoCloseable onEvents(UUID runId, Runnable listener) {
        return register(runListeners, runId, listener);
    }

    private static AutoCloseable register(Map<UUID, Set<Runnable>> listeners, UUID key, Runnable listener) {
        listeners.computeIfAbsent(key, id -> ConcurrentHashMap.newKeySet()).add(listener);
        return () -> listeners.computeIfPresent(key, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Registers a callback told the id of every run that records events (any organization's: the
     * listener filters); close the handle to stop. It runs on the notifying thread, so it must be quick.
     */
    public AutoCloseable onAnyRunEvents(java.util.function.Consumer<UUID> listener) {
        anyRunListeners.add(listener);
        return () -> anyRunListeners.remove(listener);
    }

    private void signalRun(UUID runId) {
        anyRunListeners.forEach(l -> l.accept(runId));
        signal(runListeners, runId);
    }

    private static void signal(Map<UUID, Set<Runnable>> listeners, UUID key) {
        Set<Runnable> set = listeners.get(key);
        if (set != null) {
            set.forEach(Runnable::run);
        }
    }

    private static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }
}
