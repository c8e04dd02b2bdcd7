package dev.griddle.server.tool.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where an integration's credentials may go, through the API and apply: URLs with host-overriding
 * options or credentials are refused (422 naming the option); a stored password does not follow a
 * change of the database it is sent to; an h2 user that can write is refused at create and at
 * connect. The only database reached is a local H2 server.
 */
class IntegrationCredentialsTest extends ApiTest {

    private static TestH2Server h2;

    @BeforeAll
    static void start() throws Exception {
        h2 = new TestH2Server();
    }

    @AfterAll
    static void stop() throws Exception {
        h2.close();
    }

    @Test
    void urlsThatOverrideTheHostOrCarryCredentialsAreRefusedNamingTheOption() {
        GriddleClient client = newOrg();
        for (String[] bad : new String[][] {
                {"jdbc:postgresql://db.example.com:5432/postgres?host=127.0.0.1&port=55432", "option 'host'"},
                {"jdbc:postgresql://db.example.com/postgres?socketFactory=x", "option 'socketFactory'"},
                {"jdbc:postgresql://db.example.com/x?user=u&password=s3cret", "credentials"},
                {"jdbc:postgresql://u:s3cret@db.example.com/x", "credentials"}}) {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED",
                    () -> client.integrations().create(IntegrationInput.postgresql("bad", bad[0], null, null)));
            assertThat(e.getMessage()).as(bad[0]).contains("url", bad[1]).doesNotContain("s3cret");
        }
        RawResponse applied = client.raw("POST", "/api/v1/apply", """
                {"integrations": [{"name": "bad", "kind": "mysql", "url": "jdbc:mysql://db.example.com/x?localSocket=/run/mysqld.sock"}]}
                """, Map.of("Content-Type", "application/json"));
        assertThat(assertEnvelope(applied, 422, "VALIDATION_FAILED").toString()).contains("integrations[0].url", "option 'localSocket'");
        assertThat(client.integrations().list(PageRequest.first()).data()).isEmpty();
    }

    @Test
    void aStoredPasswordIsNotSentToAnotherDatabaseUnlessGivenAgain() {
        GriddleClient client = newOrg();
        Integration crm = client.integrations().create(IntegrationInput.h2("crm", h2.url(), "reader", "reader-pw"));
        String elsewhere = "jdbc:h2:tcp://127.0.0.1:" + h2.port() + "/mem:elsewhere";

        GriddleApiException moved = expectError(422, "VALIDATION_FAILED",
                () -> client.integrations().update(crm.id(), new IntegrationInput(null, null, elsewhere, null, null)));
        assertThat(moved.getMessage()).contains("password", "required again");
        GriddleApiException otherPort = expectError(422, "VALIDATION_FAILED", () -> client.integrations().update(crm.id(),
                new IntegrationInput(null, null, h2.url().replace(":" + h2.port() + "/", ":" + (h2.port() + 1) + "/"), null, null)));
        assertThat(otherPort.getMessage()).contains("required again");
        assertThat(client.integrations().get(crm.id()).url()).isEqualTo(h2.url());
        assertThat(client.integrations().update(crm.id(), new IntegrationInput(null, null, h2.url(), "reader", null)).hasPassword())
                .as("the same database keeps the password").isTrue();

        Integration movedWithPassword = client.integrations().update(crm.id(), new IntegrationInput(null, null, elsewhere, null, "other-pw"));
        assertThat(movedWithPassword.url()).isEqualTo(elsewhere);
        RawResponse withoutPassword = client.raw("PATCH", "/api/v1/integrations/" + crm.id(),
                "{\"url\": \"" + h2.url() + "\", \"password\": null}", Map.of());
        assertThat(withoutPassword.status()).as(withoutPassword.body()).isEqualTo(200);
        assertThat(json(withoutPassword).path("has_password").asBoolean()).isFalse();

        client.integrations().update(crm.id(), new IntegrationInput(null, null, null, null, "reader-pw"));
        RawResponse applied = client.raw("POST", "/api/v1/apply",
                "{\"integrations\": [{\"name\": \"crm\", \"kind\": \"h2\", \"url\": \"" + elsewhere + "\", \"username\": \"reader\"}]}",
                Map.of("Content-Type", "application/json"));
        assertThat(assertEnvelope(applied, 422, "VALIDATION_FAILED").toString()).contains("integrations[0].password", "required again");
        assertThat(client.integrations().get(crm.id()).url()).isEqualTo(h2.url());
    }

    @Test
    void anH2UserThatCanWriteIsRefusedAtCreateAndAtConnect() throws Exception {
        GriddleClient client = newOrg();
        GriddleApiException admin = expectError(422, "VALIDATION_FAILED",
                () -> client.integrations().create(IntegrationInput.h2("admin", h2.url(), "sa", "")));
        assertThat(admin.getMessage()).contains("username", "is an admin");
        GriddleApiException writer = expectError(422, "VALIDATION_FAILED",
                () -> client.integrations().create(IntegrationInput.h2("writer", h2.url(), "writer", "writer-pw")));
        assertThat(writer.getMessage()).contains("rights other than SELECT");
        RawResponse applied = client.raw("POST", "/api/v1/apply",
                "{\"integrations\": [{\"name\": \"w\", \"kind\": \"h2\", \"url\": \"" + h2.url() + "\", \"username\": \"writer\", "
                        + "\"password\": \"writer-pw\"}]}", Map.of("Content-Type", "application/json"));
        assertThat(assertEnvelope(applied, 422, "VALIDATION_FAILED").toString()).contains("rights other than SELECT");
        assertThat(client.integrations().list(PageRequest.first()).data()).isEmpty();

        h2.execute("create user later password 'later-pw'");
        h2.execute("grant select on customers to later");
        Integration later = client.integrations().create(IntegrationInput.h2("later", h2.url(), "later", "later-pw"));
        assertThat(client.integrations().tables(later.id())).isNotEmpty();
        h2.execute("grant update on customers to later");
        GriddleApiException atConnect = expectError(422, "INTEGRATION_UNREACHABLE", () -> client.integrations().tables(later.id()));
        assertThat(atConnect.getMessage()).contains("rights other than SELECT");
    }
}
