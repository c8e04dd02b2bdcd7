package dev.griddle.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL tests run against: a fresh database created on the server named by
 * {@code GRIDDLE_TEST_DATABASE_URL} (and dropped when the JVM exits), or, without it, an embedded
 * PostgreSQL started once per JVM. Never touches a database it did not create.
 */
public final class TestDatabase {

    private static final Pattern JDBC = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?");
    private static String url;

    private TestDatabase() {
    }

    public static synchronized String url() {
        if (url == null) {
            String external = System.getenv("GRIDDLE_TEST_DATABASE_URL");
            url = external == null || external.isBlank() ? embedded() : fresh(external);
        }
        return url;
    }

    /** Another database on the same server, for tests that need one of their own (separate processes, say). */
    public static String another() {
        String base = url();
        return fresh(base);
    }

    /**
     * A database of its own with {@code statements} run in it, for tests that connect Griddle to it
     * as an integration: its JDBC URL on 127.0.0.1 without the query (the credentials go separately).
     */
    public static String seeded(String... statements) {
        String raw = another().replace("//localhost:", "//127.0.0.1:");
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the test database: " + e.getMessage(), e);
        }
        int q = raw.indexOf('?');
        return q < 0 ? raw : raw.substring(0, q);
    }

    private static String embedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // exiting anyway
                }
            }));
            return pg.getJdbcUrl("postgres", "postgres");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start embedded PostgreSQL for tests", e);
        }
    }

    private static String fresh(String serverUrl) {
        Matcher m = JDBC.matcher(serverUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException("GRIDDLE_TEST_DATABASE_URL must look like jdbc:postgresql://host:port/db, was " + serverUrl);
        }
        String name = "griddle_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(serverUrl); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + serverUrl + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(serverUrl); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
            } catch (SQLException ignored) {
                // best effort on exit
            }
        }));
        return m.group(1) + name + (m.group(3) == null ? "" : m.group(3));
    }
}
