package dev.griddle.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL {@code LISTEN/NOTIFY}: wakes this process when another one commits work. One
 * dedicated connection listens on a virtual thread; a lost connection is re-opened with backoff.
 * Publishing happens inside the sender's transaction, so listeners hear of it only after commit.
 */
@Component
public class PgNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PgNotifications.class);

    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    PgNotifications(DataSource dataSource, JdbcClient jdbc) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
    }

    /** Calls {@code listener} with the payload of every notification on {@code channel}. */
    public void listen(String channel, Consumer<String> listener) {
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** Queues a notification in the current transaction (sent at commit). */
    public void publish(String channel, String payload) {
        jdbc.sql("select pg_notify(:channel, :payload)").param("channel", channel).param("payload", payload).query(Object.class).single();
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("pg-listen").start(this::loop);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
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
                            listener.accept(n.getParameter());
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
