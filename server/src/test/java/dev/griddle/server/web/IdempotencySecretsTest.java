package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.run.RunnerFixtures;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Idempotency-Key and secrets: a response that showed a secret is never kept (a replay is
 * {@code 409 IDEMPOTENCY_REPLAY_UNAVAILABLE}), and a replay belongs to the API key that sent the
 * first request.
 */
class IdempotencySecretsTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    private static Map<String, String> idem(String key) {
        return Map.of("Content-Type", "application/json", "Idempotency-Key", key);
    }

    @Test
    void secretRevealingResponsesAreNotStoredAndTheirReplayIs409() {
        GriddleClient admin = newOrg();
        UUID runner = RunnerFixtures.runner(admin, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n").id();
        record Case(GriddleClient client, String path, String body, String secretField) {
        }
        for (Case c : new Case[] {
                new Case(admin, "/api/v1/keys", "{\"name\": \"ci\", \"role\": \"viewer\"}", "secret"),
                new Case(instanceAdmin(), "/api/v1/organizations", "{\"name\": \"org-" + UUID.randomUUID() + "\"}", "admin_key"),
                new Case(admin, "/api/v1/runners/" + runner + "/triggers", "{\"type\": \"webhook\"}", "signing_secret"),
                new Case(admin, "/api/v1/runners/" + runner + "/notifications", "{\"url\": \"http://127.0.0.1:9/x\", \"events\": [\"run_failed\"]}",
                        "signing_secret")}) {
            String key = "idem-" + UUID.randomUUID();
            RawResponse first = c.client().raw("POST", c.path(), c.body(), idem(key));
            assertThat(first.status()).as(c.path() + ": " + first.body()).isEqualTo(201);
            String secret = json(first).path(c.secretField()).asString();
            assertThat(secret).as(c.path()).isNotBlank();

            assertThat(jdbc.sql("select count(*) from idempotency_keys where idem_key = :k and withheld and body is null and content_type is null")
                    .param("k", key).query(Long.class).single()).as(c.path() + ": a marker row, no body").isEqualTo(1);
            assertThat(jdbc.sql("select count(*) from idempotency_keys where position(convert_to(:s, 'UTF8') in coalesce(body, ''::bytea)) > 0")
                    .param("s", secret).query(Long.class).single()).as(c.path() + ": the secret is nowhere in the store").isZero();

            RawResponse replay = c.client().raw("POST", c.path(), c.body(), idem(key));
            JsonNode error = assertEnvelope(replay, 409, "IDEMPOTENCY_REPLAY_UNAVAILABLE");
            assertThat(replay.body()).doesNotContain(secret);
            assertThat(error.path("error").path("details").path("first_status").asInt()).isEqualTo(201);
            assertThat(error.path("error").path("details").path("location").asString()).isEqualTo(first.header("Location").orElseThrow());
        }
        // the replay did not create a second key
        assertThat(admin.keys().list(PageRequest.of(1, 100)).data()).filteredOn(k -> k.name().equals("ci")).hasSize(1);
    }

    @Test
    void aRotatedSigningSecretIsNotStoredEither() {
        GriddleClient admin = newOrg();
        UUID runner = RunnerFixtures.runner(admin, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n").id();
        String trigger = json(admin.raw("POST", "/api/v1/runners/" + runner + "/triggers", "{\"type\": \"webhook\"}", Map.of())).path("id").asString();
        String path = "/api/v1/triggers/" + trigger + "/rotate-secret";
        RawResponse first = admin.raw("POST", path, "{}", idem("rotate-1"));
        assertThat(first.status()).isEqualTo(200);
        assertEnvelope(admin.raw("POST", path, "{}", idem("rotate-1")), 409, "IDEMPOTENCY_REPLAY_UNAVAILABLE");
    }

    @Test
    void responsesWithoutSecretsStillReplayButOnlyToTheSameApiKey() {
        GriddleClient admin = newOrg();
        GriddleClient other = client(admin.keys().create(CreateKey.of("other admin", "admin")).secret());
        String body = "{\"name\": \"shared\"}";
        RawResponse first = admin.raw("POST", "/api/v1/projects", body, idem("p-1"));
        assertThat(first.status()).isEqualTo(201);
        RawResponse replay = admin.raw("POST", "/api/v1/projects", body, idem("p-1"));
        assertThat(replay.header("Idempotent-Replayed")).contains("true");
        assertThat(replay.body()).isEqualTo(first.body());

        // another key of the same organization, same Idempotency-Key and body: processed afresh (the name is taken now)
        RawResponse theirs = other.raw("POST", "/api/v1/projects", body, idem("p-1"));
        assertThat(theirs.header("Idempotent-Replayed")).isEmpty();
        assertEnvelope(theirs, 409, "CONFLICT");
        // and with another body it is theirs to use, not a reuse of the first key's
        RawResponse own = other.raw("POST", "/api/v1/projects", "{\"name\": \"theirs\"}", idem("p-2"));
        assertThat(own.status()).isEqualTo(201);
        RawResponse mine = admin.raw("POST", "/api/v1/projects", "{\"name\": \"mine\"}", idem("p-2"));
        assertThat(mine.status()).isEqualTo(201);
        assertThat(mine.header("Idempotent-Replayed")).isEmpty();
        assertThat(json(mine).path("id").asString()).isNotEqualTo(json(own).path("id").asString());
    }
}
