package dev.griddle.server.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.Models.Secret;
import dev.griddle.sdk.Page;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/secrets} over HTTP: create/replace/list/delete, validation, roles, tenancy, sealed at rest. */
class SecretsApiTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    static RawResponse put(GriddleClient c, String name, String body) {
        return c.raw("PUT", "/api/v1/secrets/" + name, body, Map.of("Content-Type", "application/json"));
    }

    @Test
    void putCreatesThenReplacesAndNeverReturnsTheValue() {
        GriddleClient c = newOrg();
        RawResponse created = put(c, "API_TOKEN", "{\"value\": \"tok-first-value\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("tok-first-value");
        JsonNode first = json(created);
        assertThat(first.path("name").asString()).isEqualTo("API_TOKEN");
        assertThat(first.path("created_at").asString()).isNotBlank();
        assertThat(first.has("value")).isFalse();

        RawResponse replaced = put(c, "API_TOKEN", "{\"value\": \"tok-second-value\"}");
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(json(replaced).path("created_at").asString()).isEqualTo(first.path("created_at").asString());
        assertThat(replaced.body()).doesNotContain("tok-second-value");

        Secret other = c.secrets().put("_other2", "another-value");
        assertThat(other.name()).isEqualTo("_other2");
        Page<Secret> page = c.secrets().list(PageRequest.of(1, 1));
        assertThat(page.meta().total()).isEqualTo(2);
        assertThat(page.data()).extracting(Secret::name).containsExactly("API_TOKEN");
        RawResponse listed = c.raw("GET", "/api/v1/secrets", null, Map.of());
        assertThat(listed.body()).doesNotContain("tok-second-value").doesNotContain("another-value").doesNotContain("v1:");

        String sealed = jdbc.sql("select value_sealed from secrets where name = 'API_TOKEN' and value_sealed not like '%tok-%'")
                .query(String.class).single();
        assertThat(sealed).startsWith("v1:");

        c.secrets().delete("API_TOKEN");
        assertThat(c.secrets().list(PageRequest.first()).data()).extracting(Secret::name).containsExactly("_other2");
        expectError(404, "NOT_FOUND", () -> c.secrets().delete("API_TOKEN"));
    }

    @Test
    void badNamesAndValuesAre422AndWriteNothing() {
        GriddleClient c = newOrg();
        assertEnvelope(put(c, "1ABC", "{\"value\": \"x-value\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(put(c, "has-dash", "{\"value\": \"x-value\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(put(c, "A".repeat(129), "{\"value\": \"x-value\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(put(c, "OK", "{\"value\": \"\"}"), 422, "VALIDATION_FAILED");
        assertEnvelope(put(c, "OK", "{\"value\": 42}"), 422, "VALIDATION_FAILED");
        assertEnvelope(put(c, "OK", "{}"), 422, "VALIDATION_FAILED");
        JsonNode tooBig = assertEnvelope(put(c, "OK", "{\"value\": \"" + "x".repeat(64 * 1024 + 1) + "\"}"), 422, "VALIDATION_FAILED");
        assertThat(tooBig.path("error").path("message").asString()).contains("65536").doesNotContain("xxxx");
        assertThat(put(c, "OK", "{\"value\": \"" + "x".repeat(64 * 1024) + "\"}").status()).isEqualTo(201);
        assertEnvelope(c.raw("DELETE", "/api/v1/secrets/bad-name", null, Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("DELETE", "/api/v1/secrets/NOPE", null, Map.of()), 404, "NOT_FOUND");
        assertThat(c.secrets().list(PageRequest.first()).data()).extracting(Secret::name).containsExactly("OK");
    }

    @Test
    void viewersListButDoNotWriteAndOrgsDoNotSeeEachOther() {
        GriddleClient admin = newOrg();
        admin.secrets().put("SHARED", "admin-value");
        GriddleClient viewer = client(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        GriddleClient contributor = client(admin.keys().create(CreateKey.of("c", "contributor")).secret());
        assertThat(viewer.secrets().list(PageRequest.first()).data()).extracting(Secret::name).containsExactly("SHARED");
        expectError(403, "FORBIDDEN", () -> viewer.secrets().put("SHARED", "viewer-value"));
        expectError(403, "FORBIDDEN", () -> viewer.secrets().delete("SHARED"));
        assertThat(contributor.secrets().put("FROM_CONTRIB", "contrib-value").name()).isEqualTo("FROM_CONTRIB");

        GriddleClient stranger = newOrg();
        assertThat(stranger.secrets().list(PageRequest.first()).meta().total()).isZero();
        expectError(404, "NOT_FOUND", () -> stranger.secrets().delete("SHARED"));
        // the stranger's own SHARED is another secret: creating it is a 201 and leaves the first org's alone
        assertThat(put(stranger, "SHARED", "{\"value\": \"stranger-value\"}").status()).isEqualTo(201);
        assertThat(admin.secrets().list(PageRequest.first()).meta().total()).isEqualTo(2);
    }

    @Test
    void projectLimitedKeysWriteOnlySecretsWithinTheirProjectsAndEveryKeyReadsProjectIds() {
        GriddleClient admin = newOrg();
        UUID pa = admin.projects().create("pa", null).id();
        UUID pb = admin.projects().create("pb", null).id();
        GriddleClient ka = client(admin.keys().create(new CreateKey("ka", "contributor", List.of(pa), null)).secret());
        admin.secrets().put("ORG_WIDE", "org-wide-value");
        admin.secrets().put("FOR_B", "b-value", List.of(pb));

        expectError(403, "FORBIDDEN", () -> ka.secrets().put("NEW_ANYWHERE", "v1234"));
        expectError(403, "FORBIDDEN", () -> ka.secrets().put("NEW_IN_B", "v1234", List.of(pb)));
        expectError(403, "FORBIDDEN", () -> ka.secrets().put("NEW_IN_AB", "v1234", List.of(pa, pb)));
        expectError(403, "FORBIDDEN", () -> ka.secrets().put("ORG_WIDE", "replaced", List.of(pa)));
        expectError(403, "FORBIDDEN", () -> ka.secrets().put("FOR_B", "replaced", List.of(pa)));
        expectError(403, "FORBIDDEN", () -> ka.secrets().delete("ORG_WIDE"));
        expectError(403, "FORBIDDEN", () -> ka.secrets().delete("FOR_B"));
        assertThat(ka.secrets().list(PageRequest.first()).data()).extracting(s -> s.name()).containsExactly("FOR_B", "ORG_WIDE");

        var mine = ka.secrets().put("FOR_A", "a-value", List.of(pa));
        assertThat(mine.projectIds()).containsExactly(pa);
        assertThat(ka.secrets().put("FOR_A", "a-value-2").projectIds()).as("a replace without project_ids keeps them").containsExactly(pa);
        assertThat(ka.secrets().get("FOR_B").projectIds()).containsExactly(pb);
        assertThat(admin.secrets().get("ORG_WIDE").projectIds()).isEmpty();
        expectError(422, "VALIDATION_FAILED", () -> admin.secrets().put("X", "v1234", List.of(UUID.randomUUID())));
        ka.secrets().delete("FOR_A");
        expectError(404, "NOT_FOUND", () -> ka.secrets().get("FOR_A"));
    }
}
