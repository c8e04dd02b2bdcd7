package dev.griddle.server.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * No secret at rest in plain text, anywhere: after a burst of creates that carry or reveal
 * secrets (each sent with an {@code Idempotency-Key}, so the idempotency store sees them too),
 * every row of every table, read as text, and every large object hold none of the plaintexts,
 * neither as text nor hex-encoded (how PostgreSQL prints {@code bytea}).
 */
class PlaintextAtRestTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    /** Each plaintext the burst produced, by what it is. */
    private final Map<String, String> plaintexts = new LinkedHashMap<>();
    private MatrixHttp http;
    private String admin;

    private JsonNode create(String key, String method, String path, String body) {
        MatrixHttp.Answer a = http.send(key, method, path, body, Map.of("Idempotency-Key", "plain-" + UUID.randomUUID()));
        assertThat(a.status()).as(method + " " + path + ": " + a.body()).isBetween(200, 299);
        return a.json();
    }

    @Test
    void noSecretIsStoredInPlainText() throws Exception {
        http = new MatrixHttp(baseUrl());
        String tag = UUID.randomUUID().toString().substring(0, 8);
        JsonNode org = create(INSTANCE_ADMIN_KEY, "POST", "/api/v1/organizations", "{\"name\": \"plain-" + tag + "\"}");
        admin = org.path("admin_key").asString();
        plaintexts.put("organization admin key", admin);
        plaintexts.put("API key secret", create(admin, "POST", "/api/v1/keys", "{\"name\": \"k\", \"role\": \"contributor\"}").path("secret").asString());

        String runner = create(admin, "POST", "/api/v1/runners", "{\"name\": \"r-" + tag + "\", \"steps\": [{\"id\": \"t\", \"type\": \"transform\", \"with\": {\"value\": 1}}]}")
                .path("id").asString();
        JsonNode webhook = create(admin, "POST", "/api/v1/runners/" + runner + "/triggers", "{\"type\": \"webhook\"}");
        plaintexts.put("webhook signing secret", webhook.path("signing_secret").asString());
        plaintexts.put("rotated webhook signing secret", create(admin, "POST", "/api/v1/triggers/" + webhook.path("id").asString() + "/rotate-secret",
                "{\"grace_period_seconds\": 60}").path("signing_secret").asString());
        String supplied = "whsec_stripe_supplied_" + tag + "x";
        plaintexts.put("caller-supplied webhook signing secret", supplied);
        String stripe = create(admin, "POST", "/api/v1/runners/" + runner + "/triggers",
                "{\"type\": \"webhook\", \"signature_scheme\": \"stripe\", \"signing_secret\": \"" + supplied + "\"}").path("id").asString();
        String suppliedRotated = "whsec_stripe_rotated_" + tag + "x";
        plaintexts.put("caller-supplied rotated webhook signing secret", suppliedRotated);
        create(admin, "POST", "/api/v1/triggers/" + stripe + "/rotate-secret", "{\"signing_secret\": \"" + suppliedRotated + "\"}");
        plaintexts.put("notification signing secret", create(admin, "POST", "/api/v1/runners/" + runner + "/notifications",
                "{\"url\": \"http://127.0.0.1:9/n\", \"events\": [\"run_failed\"]}").path("signing_secret").asString());

        plaintexts.put("notification subscription signing secret", create(admin, "POST", "/api/v1/notifications/subscriptions",
                "{\"url\": \"http://127.0.0.1:9/s\", \"events\": [\"session.*\"]}").path("signing_secret").asString());
        String secretValue = "plain-secret-value-" + UUID.randomUUID();
        plaintexts.put("secret value", secretValue);
        create(admin, "PUT", "/api/v1/secrets/PLAIN_" + tag.toUpperCase(), "{\"value\": \"" + secretValue + "\"}");

        String agent = create(admin, "POST", "/api/v1/agents", "{\"name\": \"a-" + tag + "\", \"model\": \"openai/gpt-4o-mini\"}").path("id").asString();
        String credential = "sk-plain-" + UUID.randomUUID();
        plaintexts.put("agent provider key", credential);
        create(admin, "PUT", "/api/v1/agents/" + agent + "/credentials", "{\"openai_api_key\": \"" + credential + "\"}");

        String password = "pw-plain-" + UUID.randomUUID();
        plaintexts.put("integration password", password);
        String database = TestDatabase.seeded("create table t (id int)");
        create(admin, "POST", "/api/v1/integrations", """
                {"name": "db_%s", "kind": "postgresql", "url": "%s", "username": "postgres", "password": "%s"}
                """.formatted(tag, database, password));

        String header = "Bearer mcp-plain-" + UUID.randomUUID();
        plaintexts.put("MCP server header", header);
        String applied = "sk-applied-" + UUID.randomUUID();
        plaintexts.put("agent provider key sent through apply", applied);
        try (TestMcpServer mcp = TestMcpServer.start()) {
            create(admin, "POST", "/api/v1/mcp-servers", """
                    {"name": "m %s", "slug": "m%s", "transport": "streamable_http", "url": "%s", "headers": {"Authorization": "%s"}}
                    """.formatted(tag, tag, mcp.url(), header));
            create(admin, "POST", "/api/v1/apply", """
                    {"agents": [{"name": "applied-%s", "model": "openai/gpt-4o-mini", "credentials": {"openai_api_key": "%s"}}]}
                    """.formatted(tag, applied));
        }

        List<String> found = new ArrayList<>();
        for (String table : jdbc.sql("select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'")
                .query(String.class).list()) {
            List<String> rows = jdbc.sql("select t::text from \"" + table + "\" t").query(String.class).list();
            search(found, "table " + table, rows);
        }
        search(found, "large objects", jdbc.sql("select encode(lo_get(oid), 'hex') from pg_largeobject_metadata").query(String.class).list());
        assertThat(plaintexts.values()).allSatisfy(v -> assertThat(v).hasSizeGreaterThan(12));
        assertThat(found).withFailMessage(() -> found.size() + " plaintexts at rest:\n" + String.join("\n", found)).isEmpty();
    }

    private void search(List<String> found, String where, List<String> rows) {
        plaintexts.forEach((what, value) -> {
            String hex = HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
            long plain = rows.stream().filter(r -> r.contains(value)).count();
            long encoded = rows.stream().filter(r -> r.toLowerCase().contains(hex)).count();
            if (plain + encoded > 0) {
                found.add(what + " in " + where + ": " + (plain > 0 ? plain + " row(s) as text" : "") + (plain > 0 && encoded > 0 ? ", " : "")
                        + (encoded > 0 ? encoded + " row(s) hex-encoded (bytea)" : ""));
            }
        });
    }
}
