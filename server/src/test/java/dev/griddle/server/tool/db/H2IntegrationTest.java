package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code h2} integrations against a real H2 TCP server on 127.0.0.1: the tools read through it
 * within {@code allowed_tables}; embedded URLs, URL settings and hosts the guard refuses are 422;
 * a serialized Java object comes back as bytes, never deserialized inside Griddle.
 */
class H2IntegrationTest extends ApiTest {

    private static TestH2Server h2;

    @BeforeAll
    static void start() throws Exception {
        h2 = new TestH2Server();
    }

    @AfterAll
    static void stop() throws Exception {
        h2.close();
    }

    static Run run(GriddleClient client, UUID integrationId, List<String> allowedTables, String steps) {
        Runner runner = client.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n" + steps);
        client.integrations().attach(Owner.runner(runner.id()), integrationId, allowedTables);
        return client.runs().await(client.runs().start(runner.id(), StartRun.of(null)).id(), Duration.ofSeconds(30));
    }

    static JsonNode output(GriddleClient client, Run run, String step) {
        return client.runs().context(run.id()).path("steps").path(step);
    }

    @Test
    void theToolsReadARemoteH2DatabaseWithinAllowedTables() throws Exception {
        GriddleClient client = newOrg();
        Integration crm = client.integrations().create(IntegrationInput.h2("crm", h2.url(), "reader", "reader-pw"));
        assertThat(crm.kind()).isEqualTo("h2");
        assertThat(crm.hasPassword()).isTrue();
        assertThat(client.integrations().tables(crm.id())).extracting(t -> t.name()).contains("CUSTOMERS", "BLOBS");

        Run run = run(client, crm.id(), List.of("customers", "blobs"), """
                  - {id: q, type: tool, with: {tool: crm__sql_query, arguments: {sql: "select id, name from customers where plan = 'pro' order by id"}}}
                  - {id: tables, type: tool, with: {tool: crm__list_tables}}
                  - {id: describe, type: tool, with: {tool: crm__describe_table, arguments: {table: customers}}}
                  - {id: blob, type: tool, with: {tool: crm__sql_query, arguments: {sql: "select obj from blobs"}}}
                """);
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode q = output(client, run, "q");
        assertThat(q.path("rows").findValuesAsString("NAME")).containsExactly("Ada", "Linus");
        assertThat(output(client, run, "tables").path("tables").findValuesAsString("name")).containsExactlyInAnyOrder("CUSTOMERS", "BLOBS");
        assertThat(output(client, run, "describe").path("columns").findValuesAsString("name")).containsExactly("ID", "NAME", "PLAN");
        String obj = output(client, run, "blob").path("rows").get(0).path("OBJ").asString();
        assertThat(obj).isEqualTo(Base64.getEncoder().encodeToString(TestH2Server.serialized())).doesNotContain("deserialized!");

        for (String sql : List.of("select salary from payroll", "delete from customers", "select 1; delete from customers")) {
            Run refused = run(client, crm.id(), List.of("customers"),
                    "  - {id: q, type: tool, with: {tool: crm__sql_query, arguments: {sql: \"" + sql + "\"}}}\n");
            assertThat(refused.status()).as(sql).isEqualTo("failed");
            assertThat(refused.error().path("message").asString()).as(sql).contains("refused");
        }
        assertThat(h2.count("customers")).isEqualTo(3);
    }

    @Test
    void embeddedUrlsSettingsAndGuardedHostsAreRefused() {
        GriddleClient client = newOrg();
        String tcp = "jdbc:h2:tcp://127.0.0.1:" + h2.port();
        for (String[] bad : new String[][] {
                {"jdbc:h2:mem:mine", "remote H2 server"},
                {"jdbc:h2:file:/tmp/griddle-h2-test", "remote H2 server"},
                {"jdbc:h2:./relative", "must start with jdbc:h2:tcp://"},
                {tcp + "/mem:x;INIT=RUNSCRIPT FROM 'http://127.0.0.1:1/x.sql'", "INIT"},
                {tcp + "/mem:x;TRACE_LEVEL_FILE=3", "settings"},
                {"jdbc:h2:tcp://127.0.0.1:1,127.0.0.2:1/mem:x", "no single host"},
                {"jdbc:h2:tcp://10.0.0.7:9092/mem:x", "private"}}) {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED",
                    () -> client.integrations().create(IntegrationInput.h2("bad", bad[0], "sa", "")));
            assertThat(e.getMessage()).as(bad[0]).contains(bad[1]);
        }
        assertThat(client.integrations().list(dev.griddle.sdk.PageRequest.first()).data()).isEmpty();
    }
}
