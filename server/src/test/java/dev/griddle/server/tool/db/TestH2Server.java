package dev.griddle.server.tool.db;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.tools.Server;

/**
 * An H2 TCP server on 127.0.0.1 serving an in-memory database of its own: {@code customers} (3
 * rows), {@code payroll}, and {@code blobs} holding a serialized Java object. User {@code reader}
 * (password {@code reader-pw}) may read customers and blobs only; {@code writer} ({@code writer-pw})
 * may also insert into customers; {@code sa} is the admin (no password).
 */
final class TestH2Server implements AutoCloseable {

    /** What {@code blobs.obj} holds: deserializing it would be a side effect the tools must not have. */
    record Marker(String text) implements Serializable {
    }

    private final Server server;
    private final String database = "crm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Connection keeper;

    TestH2Server() throws SQLException, IOException {
        keeper = DriverManager.getConnection("jdbc:h2:mem:" + database, "sa", "");
        try (Statement s = keeper.createStatement()) {
            s.execute("create table customers (id int primary key, name varchar(50) not null, plan varchar(10))");
            s.execute("insert into customers values (1, 'Ada', 'pro'), (2, 'Grace', 'free'), (3, 'Linus', 'pro')");
            s.execute("create table payroll (id int primary key, salary int)");
            s.execute("insert into payroll values (1, 100000)");
            s.execute("create table blobs (id int primary key, obj java_object)");
            s.execute("create user reader password 'reader-pw'");
            s.execute("grant select on customers to reader");
            s.execute("grant select on blobs to reader");
            s.execute("create user writer password 'writer-pw'");
            s.execute("grant select, insert on customers to writer");
        }
        try (PreparedStatement p = keeper.prepareStatement("insert into blobs values (1, ?)")) {
            p.setBytes(1, serialized());
            p.execute();
        }
        System.setProperty("h2.bindAddress", "127.0.0.1");
        server = Server.createTcpServer("-tcpPort", "0", "-tcpDaemon").start();
    }

    static byte[] serialized() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Marker("deserialized!"));
        }
        return bytes.toByteArray();
    }

    String url() {
        return "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:" + database;
    }

    int port() {
        return server.getPort();
    }

    /** Runs {@code sql} as the admin, for a test that changes grants. */
    void execute(String sql) throws SQLException {
        try (Statement s = keeper.createStatement()) {
            s.execute(sql);
        }
    }

    int count(String table) throws SQLException {
        try (Statement s = keeper.createStatement(); var rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public void close() throws SQLException {
        server.stop();
        keeper.close();
    }
}
