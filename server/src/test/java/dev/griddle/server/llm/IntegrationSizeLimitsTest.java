package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.TestDatabase;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An integration query whose values are too big fails the tool call with a message naming the
 * limit (defaults: {@code max-cell-size} 256KB, {@code max-result-size} 1MB), against real
 * PostgreSQL and MariaDB databases this test creates; a 50 MiB PostgreSQL cell is refused by the
 * driver before it is allocated, which the bytes allocated by the whole JVM during the run show.
 */
class IntegrationSizeLimitsTest extends LlmTestBase {

    private static final int BIG_CELL = 50 << 20;
    private static String pgUrl;

    @BeforeAll
    static void database() {
        pgUrl = TestDatabase.seeded(
                "create table docs (id int primary key, body text)",
                "insert into docs values (1, repeat('x', " + BIG_CELL + ")), (2, repeat('y', 300000)), (3, 'short')",
                "create table wide (id int primary key, body text)",
                "insert into wide select g, repeat('z', 2000) from generate_series(1, 1000) g");
    }

    /** Bytes allocated so far by every thread of this JVM (virtual threads count on their carriers). */
    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static Run query(GriddleClient client, String integrationId, String tool, String sql) {
        return query(client, integrationId, tool, sql, 100);
    }

    private static Run query(GriddleClient client, String integrationId, String tool, String sql, int limit) {
        Runner runner = runner(client, """
                steps:
                  - {id: q, type: tool, with: {tool: %s, arguments: {sql: "%s", limit: %d}}}
                """.formatted(tool, sql, limit));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations", "{\"integration_id\": \"" + integrationId + "\"}");
        return runToEnd(client, runner.id(), null);
    }

    private static String postgres(GriddleClient client) {
        return send(client, "POST", "/api/v1/integrations", """
                {"name": "docs", "kind": "postgresql", "url": "%s", "username": "postgres", "password": ""}
                """.formatted(pgUrl)).path("id").asString();
    }

    @Test
    void aFiftyMebibyteCellFailsTheCallWithoutBeingRead() {
        GriddleClient client = newOrg();
        String id = postgres(client);
        Run warm = query(client, id, "docs__sql_query", "select id, body from docs where id = 3");
        assertThat(warm.status()).as(String.valueOf(warm.error())).isEqualTo("succeeded");

        long before = allocated();
        Run run = query(client, id, "docs__sql_query", "select id, body from docs where id = 1");
        long grew = allocated() - before;
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString())
                .contains("the result is over the limit of 1048576 bytes (griddle.integrations.max-result-size)");
        // reading the cell at all would allocate its 50 MiB at least once (and several times as a String and JSON)
        assertThat(grew).as("bytes allocated by the JVM during the run").isLessThan(BIG_CELL / 2);
    }

    @Test
    void postgresCellAndResultLimitsNameTheirSetting() {
        GriddleClient client = newOrg();
        String id = postgres(client);
        Run cell = query(client, id, "docs__sql_query", "select id, body from docs where id = 2");
        assertThat(cell.status()).isEqualTo("failed");
        assertThat(cell.error().path("message").asString()).contains(
                "the value of column 'body' in row 1 is over the limit of 262144 bytes (griddle.integrations.max-cell-size)", "left(body, 1000)");

        Run rows = query(client, id, "docs__sql_query", "select id, body from wide order by id", 1000);
        assertThat(rows.status()).isEqualTo("failed");
        assertThat(rows.error().path("message").asString()).contains("over the limit of 1048576 bytes (griddle.integrations.max-result-size), at row ");

        Run fits = query(client, id, "docs__sql_query", "select id, left(body, 10) as head from wide order by id", 1000);
        assertThat(fits.status()).as(String.valueOf(fits.error())).isEqualTo("succeeded");
        assertThat(output(client, fits, "q").path("row_count").asInt()).isEqualTo(1000);
    }

    /** MariaDB at 127.0.0.1:3306 (root, no password): its max_allowed_packet (16 MiB) caps one row, so the big cell is 10 MiB. */
    @Test
    void mariadbCellAndResultLimitsNameTheirSetting() throws Exception {
        String server = "jdbc:mariadb://127.0.0.1:3306/";
        String db = "griddle_caps_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(server + "?connectTimeout=2000", "root", ""); Statement s = c.createStatement()) {
            s.execute("create database " + db);
        } catch (java.sql.SQLException e) {
            Assumptions.abort("no MariaDB/MySQL at 127.0.0.1:3306: " + e.getMessage());
        }
        try {
            try (Connection c = DriverManager.getConnection(server + db, "root", ""); Statement s = c.createStatement()) {
                s.execute("create table docs (id int primary key, body longtext)");
                s.execute("insert into docs values (1, repeat('x', 10485760)), (2, 'short')");
                s.execute("create table wide (id int primary key, body text)");
                s.execute("insert into wide select seq, repeat('z', 2000) from seq_1_to_1000");
            }
            GriddleClient client = newOrg();
            String id = send(client, "POST", "/api/v1/integrations", """
                    {"name": "shop", "kind": "mysql", "url": "jdbc:mysql://127.0.0.1:3306/%s", "username": "root", "password": ""}
                    """.formatted(db)).path("id").asString();
            Run cell = query(client, id, "shop__sql_query", "select id, body from docs order by id");
            assertThat(cell.status()).isEqualTo("failed");
            assertThat(cell.error().path("message").asString())
                    .contains("the value of column 'body' in row 1 is over the limit of 262144 bytes (griddle.integrations.max-cell-size)");

            Run rows = query(client, id, "shop__sql_query", "select id, body from wide order by id", 1000);
            assertThat(rows.status()).isEqualTo("failed");
            assertThat(rows.error().path("message").asString()).contains("over the limit of 1048576 bytes (griddle.integrations.max-result-size), at row ");

            Run fits = query(client, id, "shop__sql_query", "select id, body from docs where id = 2");
            assertThat(fits.status()).as(String.valueOf(fits.error())).isEqualTo("succeeded");
            assertThat(output(client, fits, "q").path("rows").get(0).path("body").asString()).isEqualTo("short");
        } finally {
            try (Connection c = DriverManager.getConnection(server, "root", ""); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + db);
            }
        }
    }
}
