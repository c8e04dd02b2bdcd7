package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Database integrations against a real PostgreSQL database this test creates: the registry API,
 * the {@code <name>__sql_query} family through a {@code tool} step and through an {@code llm} step
 * (fake provider), and the refusals (writes, tables outside {@code allowed_tables}). Lives beside
 * the llm tests for their fake provider.
 */
class IntegrationToolsTest extends LlmTestBase {

    private static String dbUrl;

    @BeforeAll
    static void customerDatabase() throws Exception {
        String raw = TestDatabase.another().replace("//localhost:", "//127.0.0.1:");
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement()) {
            s.execute("create table customers (id int primary key, name text not null, plan text)");
            s.execute("insert into customers values (1, 'Ada', 'pro'), (2, 'Grace', 'free'), (3, 'Linus', 'pro')");
            s.execute("create table payroll (id int primary key, salary int)");
            s.execute("insert into payroll values (1, 100000)");
        }
        int q = raw.indexOf('?');
        dbUrl = q < 0 ? raw : raw.substring(0, q);
    }

    private static int customerCount() throws Exception {
        String raw = dbUrl + "?user=postgres";
        try (Connection c = DriverManager.getConnection(raw); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from customers")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String createIntegration(GriddleClient client, String name) {
        JsonNode created = send(client, "POST", "/api/v1/integrations", """
                {"name": "%s", "kind": "postgresql", "url": "%s", "username": "postgres", "password": "pw-%s"}
                """.formatted(name, dbUrl, name));
        return created.path("id").asString();
    }

    @Test
    void registryStoresThePasswordWriteOnlyAndListsTables() {
        GriddleClient client = newOrg();
        RawResponse created = client.raw("POST", "/api/v1/integrations",
                "{\"name\": \"crm\", \"kind\": \"postgresql\", \"url\": \"" + dbUrl + "\", \"username\": \"postgres\", \"password\": \"s3cret\"}",
                Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("s3cret");
        JsonNode body = json(created);
        String id = body.path("id").asString();
        assertThat(body.path("has_password").asBoolean()).isTrue();
        assertThat(body.path("tools").toString()).contains("crm__sql_query", "crm__list_tables", "crm__describe_table");

        assertThat(send(client, "GET", "/api/v1/integrations/" + id, null).toString()).doesNotContain("s3cret");
        assertThat(send(client, "GET", "/api/v1/integrations", null).path("meta").path("total").asInt()).isEqualTo(1);
        JsonNode tables = send(client, "GET", "/api/v1/integrations/" + id + "/tables", null);
        assertThat(tables.path("data").findValuesAsString("name")).contains("customers", "payroll");

        RawResponse dup = client.raw("POST", "/api/v1/integrations",
                "{\"name\": \"crm\", \"kind\": \"postgresql\", \"url\": \"" + dbUrl + "\"}", Map.of());
        assertEnvelope(dup, 409, "CONFLICT");
        RawResponse bad = client.raw("POST", "/api/v1/integrations", "{\"name\": \"a__b\", \"kind\": \"oracle\", \"url\": \"http://x\"}", Map.of());
        JsonNode errors = assertEnvelope(bad, 422, "VALIDATION_FAILED").path("error").path("details").path("field_errors");
        assertThat(errors.has("name")).isTrue();
        assertThat(errors.has("kind")).isTrue();
        RawResponse privateHost = client.raw("POST", "/api/v1/integrations",
                "{\"name\": \"internal\", \"kind\": \"postgresql\", \"url\": \"jdbc:postgresql://10.0.0.5:5432/x\"}", Map.of());
        assertThat(assertEnvelope(privateHost, 422, "VALIDATION_FAILED").path("error").path("details").toString()).contains("private");

        assertThat(client.raw("DELETE", "/api/v1/integrations/" + id, null, Map.of()).status()).isEqualTo(204);
        assertThat(client.raw("GET", "/api/v1/integrations/" + id, null, Map.of()).status()).isEqualTo(404);
        assertThat(newOrg().raw("GET", "/api/v1/integrations/" + UUID.randomUUID(), null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void toolStepRunsReadOnlyQueriesAndRefusesWritesAndOtherTables() throws Exception {
        GriddleClient client = newOrg();
        String id = createIntegration(client, "crm");
        Runner runner = runner(client, """
                steps:
                  - id: q
                    type: tool
                    with: {tool: crm__sql_query, arguments: {sql: "select id, name from customers where plan = 'pro' order by id"}}
                  - id: tables
                    type: tool
                    with: {tool: crm__list_tables}
                  - id: describe
                    type: tool
                    with: {tool: crm__describe_table, arguments: {table: customers}}
                  - id: limited
                    type: tool
                    with: {tool: crm__sql_query, arguments: {sql: "select * from customers order by id", limit: 2}}
                """);
        Run unattached = runToEnd(client, runner.id(), null);
        assertThat(unattached.status()).isEqualTo("failed");
        assertThat(unattached.error().toString()).contains("no tool named 'crm__");

        send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations",
                "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"customers\"]}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode q = output(client, run, "q");
        assertThat(q.path("row_count").asInt()).isEqualTo(2);
        assertThat(q.path("rows").get(0).path("name").asString()).isEqualTo("Ada");
        assertThat(q.path("rows").get(1).path("id").asInt()).isEqualTo(3);
        assertThat(q.path("truncated").asBoolean()).isFalse();
        assertThat(output(client, run, "tables").path("tables").findValuesAsString("name")).containsExactly("customers");
        JsonNode limited = output(client, run, "limited");
        assertThat(limited.path("row_count").asInt()).isEqualTo(2);
        assertThat(limited.path("truncated").asBoolean()).isTrue();
        assertThat(output(client, run, "describe").path("columns").findValuesAsString("name")).containsExactly("id", "name", "plan");

        for (String sql : List.of("delete from customers", "insert into customers values (9, 'x', 'y')", "select * from payroll",
                "select c.name from customers c join payroll p on p.id = c.id", "select 1; delete from customers",
                "with x as (select * from payroll) select * from x", "drop table customers")) {
            Runner refused = runner(client, """
                    steps:
                      - id: q
                        type: tool
                        with: {tool: crm__sql_query, arguments: {sql: "%s"}}
                    """.formatted(sql));
            send(client, "POST", "/api/v1/runners/" + refused.id() + "/integrations",
                    "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"customers\"]}");
            Run r = runToEnd(client, refused.id(), null);
            assertThat(r.status()).as(sql).isEqualTo("failed");
            assertThat(r.error().path("message").asString()).as(sql).contains("refused");
        }
        assertThat(customerCount()).isEqualTo(3);
    }

    @Test
    void theReadOnlyTransactionStopsWritesTheParserLetsThrough() throws Exception {
        GriddleClient client = newOrg();
        String id = createIntegration(client, "crm");
        Runner runner = runner(client, """
                steps:
                  - id: q
                    type: tool
                    with: {tool: crm__sql_query, arguments: {sql: "select * from customers for update", limit: 1}}
                """);
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations", "{\"integration_id\": \"" + id + "\"}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.error().path("message").asString()).contains("read-only transaction");
        assertThat(customerCount()).isEqualTo(3);
    }

    /** MySQL/MariaDB at 127.0.0.1:3306 (root, no password) when there is one: a database of this test's own, dropped after. */
    @Test
    void mysqlIntegrationsReadThroughTheSameTools() throws Exception {
        String server = "jdbc:mariadb://127.0.0.1:3306/";
        String db = "griddle_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(server + "?connectTimeout=2000", "root", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("create database " + db);
            }
        } catch (java.sql.SQLException e) {
            org.junit.jupiter.api.Assumptions.abort("no MariaDB/MySQL at 127.0.0.1:3306: " + e.getMessage());
        }
        try {
            try (Connection c = DriverManager.getConnection(server + db, "root", ""); Statement s = c.createStatement()) {
                s.execute("create table customers (id int primary key, name varchar(50) not null)");
                s.execute("insert into customers values (1, 'Ada'), (2, 'Grace')");
                s.execute("create table payroll (id int primary key, salary int)");
            }
            GriddleClient client = newOrg();
            String id = send(client, "POST", "/api/v1/integrations", """
                    {"name": "shop", "kind": "mysql", "url": "jdbc:mysql://127.0.0.1:3306/%s", "username": "root", "password": ""}
                    """.formatted(db)).path("id").asString();
            Runner runner = runner(client, """
                    steps:
                      - {id: q, type: tool, with: {tool: shop__sql_query, arguments: {sql: "select id, name from customers order by id"}}}
                      - {id: tables, type: tool, with: {tool: shop__list_tables}}
                      - {id: describe, type: tool, with: {tool: shop__describe_table, arguments: {table: customers}}}
                    """);
            send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations",
                    "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"customers\"]}");
            Run run = runToEnd(client, runner.id(), null);
            assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
            JsonNode q = output(client, run, "q");
            assertThat(q.path("rows").findValuesAsString("name")).containsExactly("Ada", "Grace");
            assertThat(output(client, run, "tables").path("tables").findValuesAsString("name")).containsExactly("customers");
            assertThat(output(client, run, "describe").path("columns").findValuesAsString("name")).containsExactly("id", "name");

            Runner refused = runner(client, """
                    steps:
                      - {id: q, type: tool, with: {tool: shop__sql_query, arguments: {sql: "update customers set name = 'x'"}}}
                    """);
            send(client, "POST", "/api/v1/runners/" + refused.id() + "/integrations", "{\"integration_id\": \"" + id + "\"}");
            Run r = runToEnd(client, refused.id(), null);
            assertThat(r.status()).isEqualTo("failed");
            assertThat(r.error().path("message").asString()).contains("only SELECT");
        } finally {
            try (Connection c = DriverManager.getConnection(server, "root", ""); Statement s = c.createStatement()) {
                s.execute("drop database if exists " + db);
            }
        }
    }

    @Test
    void withAnAgentTheAgentsAttachmentAndItsAllowedTablesWin() {
        GriddleClient client = newOrg();
        String id = createIntegration(client, "crm");
        String agentId = send(client, "POST", "/api/v1/agents", "{\"name\": \"analyst\", \"model\": \"" + MODEL + "\"}").path("id").asString();
        send(client, "POST", "/api/v1/agents/" + agentId + "/integrations", "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"payroll\"]}");
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "crm__sql_query", "{\"sql\": \"select salary from payroll\"}", 1, 1),
                FakeProvider.openAiToolCall("c2", "crm__sql_query", "{\"sql\": \"select name from customers\"}", 1, 1),
                FakeProvider.openAiText("done", 1, 1));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {agent_id: "%s", prompt: "Salaries? %s", tools: [crm__sql_query]}
                """.formatted(agentId, tag));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations",
                "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"customers\"]}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode calls = output(client, run, "ask").path("tool_calls");
        assertThat(calls.get(0).path("result").path("rows").get(0).path("salary").asInt()).isEqualTo(100000);
        assertThat(calls.get(1).path("error").asString()).contains("customers", "not in allowed_tables");
    }

    @Test
    void llmStepResolvesIntegrationToolsThroughTheRunnersAttachment() {
        GriddleClient client = newOrg();
        String id = createIntegration(client, "crm");
        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "crm__sql_query", "{\"sql\": \"select salary from payroll\"}", 10, 5),
                FakeProvider.openAiToolCall("c2", "crm__sql_query", "{\"sql\": \"select count(*) as n from customers\"}", 10, 5),
                FakeProvider.openAiText("3 customers", 10, 5));
        Runner runner = runner(client, """
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "How many customers? %s", tools: [crm__sql_query, crm__describe_table]}
                """.formatted(MODEL, tag));
        send(client, "POST", "/api/v1/runners/" + runner.id() + "/integrations",
                "{\"integration_id\": \"" + id + "\", \"allowed_tables\": [\"customers\"]}");
        Run run = runToEnd(client, runner.id(), null);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode out = output(client, run, "ask");
        assertThat(out.path("text").asString()).isEqualTo("3 customers");
        assertThat(out.path("tool_calls").get(0).path("error").asString()).contains("payroll", "allowed_tables");
        assertThat(out.path("tool_calls").get(1).path("result").path("rows").get(0).path("n").asInt()).isEqualTo(3);
        JsonNode tools = FAKE.requests(tag).getFirst().body().path("tools");
        assertThat(tools.findValuesAsString("name")).contains("crm__sql_query", "crm__describe_table");
        assertThat(tools.toString()).contains("customers");
    }
}
