package dev.griddle.server.thread;

import dev.griddle.server.store.PgNotifications;
import dev.griddle.server.web.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The turns this node plays, and their record in the database that makes them visible to every
 * node. Starting a turn claims the thread with a conditional update (a turn running on any node
 * makes it a 409); a stop sent to another node reaches this one by {@code NOTIFY}; a heartbeat
 * stamps this node's turns and saves their partial text; a sweeper on every node takes over turns
 * whose node stopped stamping them (crashed), marking their answers {@code interrupted}. On
 * start-up a node takes over the turns its previous life left behind; on shutdown it stops its
 * turns so that they are stored as {@code stopped}.
 */
@Component
class RunningTurns implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunningTurns.class);
    static final String STOP_CHANNEL = "griddle_thread_stop";

    private final TurnStore store;
    private final ThreadStore threads;
    private final PgNotifications notifications;
    private final ThreadsProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String node;
    /** Turns of this node stamped before this instant are its previous life's (a turn claimed since is stamped later). */
    private final Instant bootAt;
    /** By thread id. */
    private final Map<UUID, Turn> local = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread keeper;

    RunningTurns(TurnStore store, ThreadStore threads, PgNotifications notifications, ThreadsProperties props, TransactionTemplate tx, Clock clock,
            @Value("${server.port:8080}") int port) {
        this.store = store;
        this.threads = threads;
        this.notifications = notifications;
        this.props = props;
        this.tx = tx;
        this.clock = clock;
        this.node = props.nodeId() != null ? props.nodeId() : defaultNodeId(port);
        this.bootAt = clock.instant();
        notifications.listen(STOP_CHANNEL, payload -> {
            if (!payload.isEmpty()) {
                stopLocal(UUID.fromString(payload));
            }
        });
    }

    /** Host name and port: the same after a restart, different for two nodes on one host. A random port gives a random id. */
    private static String defaultNodeId(int port) {
        if (port <= 0) {
            return "node-" + UUID.randomUUID();
        }
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + port;
        } catch (UnknownHostException e) {
            return "node-" + UUID.randomUUID();
        }
    }

    String node() {
        return node;
    }

    /**
     * Claims the thread for a new turn and stores the user's message, in one transaction. A turn
     * running on any node is a 409; one whose node stopped heartbeating is taken over, its answer
     * marked {@code interrupted}.
     */
    Turn begin(ChatThread thread, String content, SseEmitter client, TurnListener listener) {
        Turn turn = new Turn(thread.id(), UUID.randomUUID(), client, listener, new TurnRecorder(clock));
        if (local.putIfAbsent(thread.id(), turn) != null) {
            throw busy(thread.id());
        }
        Instant now = clock.instant();
        UUID question;
        try {
            question = tx.execute(s -> {
                if (!store.claim(thread.orgId(), thread.id(), turn.id, node, now, now.minus(props.heartbeatTimeout()))) {
                    return null;
                }
                store.interruptOrphans(thread.orgId(), thread.id(), now);
                return threads.append(thread.orgId(), thread.id(), "user", content, "completed", now).id();
            });
        } catch (RuntimeException e) {
            local.remove(thread.id(), turn);
            throw e;
        }
        if (question == null) {
            local.remove(thread.id(), turn);
            throw busy(thread.id());
        }
        turn.claimed(question);
        return turn;
    }

    /** The turn is over (its answer stored): the thread takes messages again, on any node. */
    void end(Turn turn) {
        local.remove(turn.threadId, turn);
        store.release(turn.threadId, turn.id, clock.instant());
    }

    /**
     * Stops the thread's turn wherever it runs; whether one was running. A turn of this node is
     * stopped at once; one of another node is told by {@code NOTIFY} and stops within milliseconds;
     * one whose node is dead is taken over now.
     */
    boolean stop(UUID orgId, UUID threadId) {
        Optional<TurnStore.Running> found = store.running(orgId, threadId);
        if (found.isEmpty()) {
            return false;
        }
        TurnStore.Running r = found.get();
        if (node.equals(r.node())) {
            return stopLocal(r.turnId());
        }
        Instant now = clock.instant();
        if (r.heartbeatAt().isBefore(now.minus(props.heartbeatTimeout()))) {
            takeOver(null);
            return false;
        }
        notifications.publishAfterCommit(STOP_CHANNEL, r.turnId().toString());
        return true;
    }

    private boolean stopLocal(UUID turnId) {
        for (Turn t : local.values()) {
            if (t.id.equals(turnId)) {
                t.stop();
                return true;
            }
        }
        return false;
    }

    private static ApiException busy(UUID threadId) {
        return ApiException.conflict("Thread '" + threadId + "' is answering a message; wait for it or POST /api/v1/threads/" + threadId + "/stop");
    }

    /** Takes over dead turns: every node's that stopped heartbeating, and {@code mine}'s from before this process started. */
    private void takeOver(String mine) {
        Instant now = clock.instant();
        int marked = store.takeOver(now.minus(props.heartbeatTimeout()), mine, bootAt, now);
        if (marked > 0) {
            log.warn("Took over {} thread turn(s) of dead nodes{}; their answers are marked interrupted", marked,
                    mine == null ? "" : " or of this node (" + mine + ") before it restarted");
        }
    }

    /** Stamps this node's turns and saves their text; a turn another node took over meanwhile is stopped here. Then sweeps. */
    private void keep() {
        while (running) {
            try {
                Thread.sleep(props.heartbeatInterval());
                // a turn whose claim has not committed yet is not in the database to be stamped
                List<Turn> mine = local.values().stream().filter(Turn::isClaimed).toList();
                Set<UUID> held = new HashSet<>(store.heartbeat(node, mine.stream().map(t -> t.id).toList(), clock.instant()));
                for (Turn t : mine) {
                    if (!held.contains(t.id) && local.get(t.threadId) == t) {
                        log.warn("Turn {} of thread {} was taken over by another node; stopping it here", t.id, t.threadId);
                        t.stop();
                    } else {
                        t.partial().ifPresent(p -> store.savePartial(p.messageId(), p.text(), p.calls()));
                    }
                }
                takeOver(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Thread turn heartbeat failed ({}); retrying", e.toString());
            }
        }
    }

    @Override
    public void start() {
        takeOver(node);
        running = true;
        keeper = Thread.ofVirtual().name("turn-heartbeat").start(this::keep);
    }

    /** Stops this node's turns (stored as {@code stopped}) and waits up to 5 s for them to be stored. */
    @Override
    public void stop() {
        local.values().forEach(Turn::stop);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!local.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        if (keeper != null) {
            keeper.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server and the database pool go away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
