package dev.griddle.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * PostgreSQL {@code LISTEN/NOTIFY}: wakes this process when another one commits work. One
 * dedicated connection listens on a virtual thread; a lost connection is re-opened with backoff.
 * Publishing is queued until the sender's transaction commits, so listeners never hear of uncommitted work.
 */
@Component
public class PgNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private static final int MAX_PAYLOAD = 7000;
    private static final long COALESCE_MILLIS = 10;

    private final Map<String, Set<String>> pending = new ConcurrentHashMap<>();
    private final Semaphore outbox = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;
    private Thread sender;

    PgNotifications(DataSource dataSource, JdbcClient jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** Calls {@code listener} with the payload of every notification on {@code channel}. */
    public void listen(String channel, Consumer<String> listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /**
     * Sends a notification soon after the current transaction commits (at once when there is none).
     * Notifications are coalesced and sent by one thread, outside the senders' transactions:
     * PostgreSQL serialises the commits of transactions that NOTIFY, so notifying inside every
     * engine transaction would make them queue behind each other. Payloads of one channel are
     * de-duplicated and joined with commas.
     */
    public void publishAfterCommit(String channel, String payload) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    queue(channel, payload);
                }
            });
        } else {
            queue(channel, payload);
        }
    }

    private void queue(String channel, String payload) {
        pending.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(payload);
        outbox.release();
    }

    private void sendLoop() {
        while (running) {
            try {
                outbox.acquire();
                outbox.drainPermits();
                for (String channel : List.copyOf(pending.keySet())) {
                    Set<String> payloads = pending.remove(channel);
                    if (payloads == null || payloads.isEmpty()) {
                        continue;
                    }
                    StringBuilder chunk = new StringBuilder();
                    for (String payload : payloads) {
                        if (chunk.length() + payload.length() + 1 > MAX_PAYLOAD) {
                            send(channel, chunk.toString());
                            chunk.setLength(0);
                        }
                        if (!chunk.isEmpty()) {
                            chunk.append(',');
                        }
                        chunk.append(payload);
                    }
                    send(channel, chunk.toString());
                }
                Thread.sleep(COALESCE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("NOTIFY failed ({}); other nodes fall back to polling", e.toString());
            }
        }
    }

    private void send(String channel, String payload) {
        jdbc.sql("select pg_notify(:channel, :payload)").param("channel", channel).param("payload", payload).query(Object.class).single();
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("pg-listen").start(this::loop);
        sender = Thread.ofVirtual().name("pg-notify").start(this::sendLoop);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        if (sender != null) {
            sender.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        long backoff = 100;
        while (running) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                for (String channel : listeners.keySet()) {
                    statement.execute("LISTEN " + channel);
                }
                backoff = 100;
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        for (Consumer<String> listener : listeners.getOrDefault(n.getName(), List.of())) {
                            for (String payload : n.getParameter().split(",", -1)) {
                                listener.accept(payload);
                            }
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("LISTEN connection lost ({}); reconnecting in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }
}
