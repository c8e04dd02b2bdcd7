package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** API.md's Conventions and Errors, including the failures Spring itself raises. */
class HttpSpineTest extends ApiTest {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Test
    void springsOwnFailuresUseTheEnvelope() {
        GriddleClient admin = newOrg();
        assertEnvelope(admin.raw("GET", "/api/v1/no-such-thing", null, Map.of()), 404, "NOT_FOUND");
        assertEnvelope(admin.raw("GET", "/definitely/not/here", null, Map.of()), 404, "NOT_FOUND");
        RawResponse wrongMethod = admin.raw("PUT", "/api/v1/projects", "{}", JSON);
        assertEnvelope(wrongMethod, 405, "METHOD_NOT_ALLOWED");
        assertThat(wrongMethod.header("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET", "POST"));
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "name=x", Map.of("Content-Type", "text/plain")), 400, "BAD_REQUEST");
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "{\"name\": ", JSON), 400, "BAD_REQUEST");
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "", JSON), 400, "BAD_REQUEST");
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "[1,2]", JSON), 400, "BAD_REQUEST");
    }

    @Test
    void wrongJsonTypesNameTheField() {
        GriddleClient admin = newOrg();
        JsonNode body = assertEnvelope(admin.raw("POST", "/api/v1/projects", "{\"name\": 42}", JSON), 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").path("name").get(0).asString()).isEqualTo("must be a string");
        body = assertEnvelope(admin.raw("POST", "/api/v1/keys", "{\"name\": \"k\", \"role\": \"viewer\", \"project_ids\": \"nope\"}", JSON), 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").has("project_ids")).isTrue();
        body = assertEnvelope(admin.raw("POST", "/api/v1/keys", "{\"name\": \"k\", \"role\": \"viewer\", \"expires_at\": \"tomorrow\"}", JSON), 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").has("expires_at")).isTrue();
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "{}", JSON), 422, "VALIDATION_FAILED");
    }

    @Test
    void aNulCharacterInAStringNamesTheField() {
        GriddleClient admin = newOrg();
        JsonNode body = assertEnvelope(admin.raw("POST", "/api/v1/projects", "{\"name\": \"a\\u0000b\"}", JSON), 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").path("name").get(0).asString()).contains("U+0000");
        String runner = json(admin.raw("POST", "/api/v1/runners", "{\"name\": \"nul\", \"steps\": [{\"id\": \"a\", \"type\": \"transform\", "
                + "\"with\": {\"value\": 1}}]}", JSON)).path("id").asString();
        body = assertEnvelope(admin.raw("POST", "/api/v1/runners/" + runner + "/runs", "{\"input\": {\"deep\": [{\"x\\u0000\": 1}]}}", JSON),
                422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").has("input")).isTrue();
        assertThat(admin.projects().list(PageRequest.first()).data()).isEmpty();
    }

    @Test
    void unknownFieldsAreIgnored() {
        GriddleClient admin = newOrg();
        RawResponse created = admin.raw("POST", "/api/v1/projects", "{\"name\": \"extra\", \"colour\": \"blue\"}", JSON);
        assertThat(created.status()).isEqualTo(201);
        assertThat(json(created).has("colour")).isFalse();
        assertThat(created.header("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/api/v1/projects/"));
    }

    @Test
    void oversizedBodiesAre413AndWriteNothing() {
        GriddleClient admin = newOrg();
        String huge = "{\"name\": \"big\", \"description\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        JsonNode body = assertEnvelope(admin.raw("POST", "/api/v1/projects", huge, JSON), 413, "PAYLOAD_TOO_LARGE");
        assertThat(body.path("error").path("details").path("limit_bytes").asLong()).isEqualTo(2 * 1024 * 1024);
        assertThat(admin.projects().list(PageRequest.first()).data()).isEmpty();
    }

    @Test
    void pagingParametersAreChecked() {
        GriddleClient admin = newOrg();
        for (String query : new String[] {"per_page=0", "per_page=101", "per_page=abc", "page=0", "page=-1", "page=x"}) {
            JsonNode body = assertEnvelope(admin.raw("GET", "/api/v1/projects?" + query, null, Map.of()), 422, "VALIDATION_FAILED");
            assertThat(body.path("error").path("details").path("field_errors").propertyNames()).hasSize(1);
        }
        assertThat(admin.raw("GET", "/api/v1/projects?per_page=100&page=1", null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void nonUuidIdsAreNotFound() {
        GriddleClient admin = newOrg();
        assertEnvelope(admin.raw("GET", "/api/v1/projects/not-a-uuid", null, Map.of()), 404, "NOT_FOUND");
        assertEnvelope(admin.raw("DELETE", "/api/v1/keys/123", null, Map.of()), 404, "NOT_FOUND");
    }

    @Test
    void requestIdIsEchoedOrGenerated() {
        GriddleClient admin = newOrg();
        RawResponse mine = admin.raw("GET", "/api/v1/projects", null, Map.of("X-Request-Id", "trace-abc-123"));
        assertThat(mine.header("X-Request-Id")).contains("trace-abc-123");
        RawResponse generated = admin.raw("GET", "/api/v1/projects", null, Map.of());
        assertThat(generated.header("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        RawResponse error = admin.raw("GET", "/api/v1/projects/" + java.util.UUID.randomUUID(), null, Map.of("X-Request-Id", "err-1"));
        assertThat(json(error).path("meta").path("request_id").asString()).isEqualTo("err-1");
        assertThat(admin.raw("GET", "/healthz", null, Map.of()).header("X-Request-Id")).isPresent();
    }

    @Test
    void idempotencyKeyReplaysTheFirstResponse() {
        GriddleClient admin = newOrg();
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "create-p-1");
        RawResponse first = admin.raw("POST", "/api/v1/projects", "{\"name\": \"once\"}", headers);
        RawResponse second = admin.raw("POST", "/api/v1/projects", "{\"name\": \"once\"}", headers);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isEmpty();
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.header("Idempotent-Replayed")).contains("true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.header("Location")).isEqualTo(first.header("Location"));
        assertThat(admin.projects().list(PageRequest.first()).data()).hasSize(1);

        JsonNode reused = assertEnvelope(admin.raw("POST", "/api/v1/projects", "{\"name\": \"other\"}", headers), 422, "IDEMPOTENCY_KEY_REUSED");
        assertThat(reused.path("error").path("message").asString()).contains("create-p-1");
        assertThat(admin.projects().list(PageRequest.first()).data()).hasSize(1);

        // keys are per organization: another org may use the same key for its own request
        GriddleClient other = newOrg();
        assertThat(other.raw("POST", "/api/v1/projects", "{\"name\": \"once\"}", headers).header("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void failedFirstAttemptDoesNotPinTheKeyToAnError() {
        GriddleClient admin = newOrg();
        admin.projects().create("taken", null);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "k-conflict");
        assertEnvelope(admin.raw("POST", "/api/v1/projects", "{\"name\": \"taken\"}", headers), 409, "CONFLICT");
        RawResponse replay = admin.raw("POST", "/api/v1/projects", "{\"name\": \"taken\"}", headers);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.header("Idempotent-Replayed")).contains("true");
    }
}
