package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code PATCH /api/v1/integrations/{id}}: rename, rotate and remove the password, change url and username; bad changes leave the row as it was. */
class IntegrationUpdateTest extends ApiTest {

    private static TestH2Server h2;

    @BeforeAll
    static void start() throws Exception {
        h2 = new TestH2Server();
    }

    @AfterAll
    static void stop() throws Exception {
        h2.close();
    }

    private static Run count(GriddleClient client, Integration integration) {
        return H2IntegrationTest.run(client, integration.id(), List.of("customers"),
                "  - {id: q, type: tool, with: {tool: " + integration.name() + "__sql_query, arguments: {sql: \"select count(*) as n from customers\"}}}\n");
    }

    @Test
    void rotatingThePasswordAndRenamingTakeEffectOnTheNextCall() {
        GriddleClient client = newOrg();
        Integration crm = client.integrations().create(IntegrationInput.h2("crm", h2.url(), "reader", "stale-pw"));
        Run wrong = count(client, crm);
        assertThat(wrong.status()).isEqualTo("failed");
        assertThat(wrong.error().path("message").asString()).containsIgnoringCase("password");

        Integration rotated = client.integrations().update(crm.id(), new IntegrationInput(null, null, null, null, "reader-pw"));
        assertThat(rotated.hasPassword()).isTrue();
        assertThat(rotated.updatedAt()).isAfter(crm.updatedAt());
        assertThat(rotated.url()).isEqualTo(crm.url());
        Run ok = count(client, rotated);
        assertThat(ok.status()).as(String.valueOf(ok.error())).isEqualTo("succeeded");
        assertThat(H2IntegrationTest.output(client, ok, "q").path("rows").get(0).path("N").asInt()).isEqualTo(3);

        Integration renamed = client.integrations().update(crm.id(), new IntegrationInput("sales", null, null, null, null));
        assertThat(renamed.tools()).containsExactly("sales__sql_query", "sales__list_tables", "sales__describe_table");
        assertThat(count(client, renamed).status()).isEqualTo("succeeded");
        Run oldName = count(client, crm);
        assertThat(oldName.status()).isEqualTo("failed");
        assertThat(oldName.error().path("message").asString()).contains("no tool named 'crm__sql_query'");

        Integration anonymous = client.integrations().removePassword(crm.id());
        assertThat(anonymous.hasPassword()).isFalse();
        assertThat(anonymous.username()).isEqualTo("reader");
        RawResponse noUser = client.raw("PATCH", "/api/v1/integrations/" + crm.id(), "{\"username\": null}", Map.of());
        assertThat(noUser.status()).isEqualTo(200);
        assertThat(client.integrations().get(crm.id()).username()).isNull();
    }

    @Test
    void badChangesAreRefusedAndLeaveTheIntegrationAsItWas() {
        GriddleClient client = newOrg();
        Integration crm = client.integrations().create(IntegrationInput.h2("crm", h2.url(), "reader", "reader-pw"));
        client.integrations().create(IntegrationInput.h2("other", h2.url(), "reader", "reader-pw"));
        Integration before = client.integrations().get(crm.id());

        GriddleApiException embedded = expectError(422, "VALIDATION_FAILED",
                () -> client.integrations().update(crm.id(), new IntegrationInput(null, null, "jdbc:h2:mem:inside", null, null)));
        assertThat(embedded.getMessage()).contains("url");
        expectError(422, "VALIDATION_FAILED",
                () -> client.integrations().update(crm.id(), new IntegrationInput(null, "postgresql", null, null, null)));
        expectError(422, "VALIDATION_FAILED", () -> client.integrations().update(crm.id(), new IntegrationInput("a__b", null, null, null, null)));
        expectError(409, "CONFLICT", () -> client.integrations().update(crm.id(), new IntegrationInput("other", null, null, null, null)));
        RawResponse unknown = client.raw("PATCH", "/api/v1/integrations/" + crm.id(), "{\"allowed_tables\": [\"x\"]}", Map.of());
        assertThat(assertEnvelope(unknown, 422, "VALIDATION_FAILED").toString()).contains("allowed_tables", "unknown field");
        RawResponse notText = client.raw("PATCH", "/api/v1/integrations/" + crm.id(), "{\"password\": 42}", Map.of());
        assertEnvelope(notText, 422, "VALIDATION_FAILED");
        RawResponse nullName = client.raw("PATCH", "/api/v1/integrations/" + crm.id(), "{\"name\": null}", Map.of());
        assertEnvelope(nullName, 422, "VALIDATION_FAILED");

        Integration unchanged = client.integrations().get(crm.id());
        assertThat(unchanged).isEqualTo(before);
        assertThat(count(client, unchanged).status()).isEqualTo("succeeded");
        expectError(404, "NOT_FOUND", () -> newOrg().integrations().update(crm.id(), new IntegrationInput("x", null, null, null, null)));
    }
}
