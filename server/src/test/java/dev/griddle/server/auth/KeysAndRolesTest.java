package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class KeysAndRolesTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void secretIsShownOnceAndStoredOnlyAsHash() {
        GriddleClient admin = newOrg();
        ApiKey created = admin.keys().create(CreateKey.of("ci", "contributor"));
        assertThat(created.secret()).startsWith("grd_live_").hasSizeGreaterThan(40);
        assertThat(created.prefix()).isEqualTo(created.secret().substring(0, 13));

        ApiKey fetched = admin.keys().get(created.id());
        assertThat(fetched.secret()).isNull();
        assertThat(fetched.role()).isEqualTo("contributor");
        assertThat(admin.keys().list(PageRequest.first()).data()).extracting(ApiKey::id).contains(created.id());
        assertThat(admin.keys().list(PageRequest.first()).data()).allSatisfy(k -> assertThat(k.secret()).isNull());

        String stored = jdbc.sql("select secret_hash from api_keys where id = :id").param("id", created.id()).query(String.class).single();
        assertThat(stored).hasSize(64).doesNotContain(created.secret().substring(9));

        client(created.secret()).projects().list(PageRequest.first());
    }

    @Test
    void missingGarbledUnknownRevokedAndExpiredKeysAre401() {
        GriddleClient admin = newOrg();
        expectError(401, "UNAUTHENTICATED", () -> client(null).projects().list(PageRequest.first()));
        expectError(401, "UNAUTHENTICATED", () -> client("grd_live_doesnotexist000000000000000000").projects().list(PageRequest.first()));
        assertEnvelope(admin.raw("GET", "/api/v1/projects", null, Map.of("Authorization", "Basic Zm9vOmJhcg==")), 401, "UNAUTHENTICATED");
        assertEnvelope(admin.raw("GET", "/api/v1/projects", null, Map.of("Authorization", "Bearer")), 401, "UNAUTHENTICATED");

        ApiKey key = admin.keys().create(CreateKey.of("temp", "viewer"));
        GriddleClient viewer = client(key.secret());
        viewer.projects().list(PageRequest.first());
        admin.keys().revoke(key.id());
        var revoked = expectError(401, "UNAUTHENTICATED", () -> viewer.projects().list(PageRequest.first()));
        assertThat(revoked.apiMessage()).contains("revoked");
        assertThat(admin.keys().get(key.id()).revokedAt()).isNotNull();

        ApiKey shortLived = admin.keys().create(new CreateKey("short", "viewer", null, Instant.now().plusSeconds(2)));
        GriddleClient soon = client(shortLived.secret());
        soon.projects().list(PageRequest.first());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(expectError(401, "UNAUTHENTICATED", () -> soon.projects().list(PageRequest.first())).apiMessage()).contains("expired"));
    }

    @Test
    void rolesLimitWhatAKeyMayDo() {
        GriddleClient admin = newOrg();
        GriddleClient viewer = client(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        GriddleClient worker = client(admin.keys().create(CreateKey.of("w", "worker")).secret());
        GriddleClient contributor = client(admin.keys().create(CreateKey.of("c", "contributor")).secret());

        viewer.projects().list(PageRequest.first());
        expectError(403, "FORBIDDEN", () -> viewer.projects().create("nope", null));
        expectError(403, "FORBIDDEN", () -> worker.projects().list(PageRequest.first()));
        expectError(403, "FORBIDDEN", () -> contributor.keys().list(PageRequest.first()));
        expectError(403, "FORBIDDEN", () -> contributor.keys().create(CreateKey.of("x", "admin")));
        contributor.projects().create("by-contributor", null);
        expectError(403, "FORBIDDEN", () -> admin.organizations().create("not-instance-admin"));
        expectError(403, "FORBIDDEN", () -> admin.organizations().list(PageRequest.first()));
    }

    @Test
    void keyCreationValidatesItsFields() {
        GriddleClient admin = newOrg();
        var e = expectError(422, "VALIDATION_FAILED", () -> admin.keys().create(new CreateKey(null, "root", null, Instant.now().minusSeconds(5))));
        @SuppressWarnings("unchecked")
        Map<String, List<String>> fields = (Map<String, List<String>>) e.details().get("field_errors");
        assertThat(fields).containsKeys("name", "role", "expires_at");
        expectError(422, "VALIDATION_FAILED", () -> admin.keys().create(new CreateKey("p", "viewer", List.of(UUID.randomUUID()), null)));
        assertThat(admin.keys().list(PageRequest.of(1, 100)).data()).extracting(ApiKey::name).doesNotContain("p");
    }

    @Test
    void projectLimitedKeysSeeOnlyTheirProjects() {
        GriddleClient admin = newOrg();
        var mine = admin.projects().create("mine", null);
        var other = admin.projects().create("other", null);
        ApiKey limited = admin.keys().create(new CreateKey("limited", "contributor", List.of(mine.id()), null));
        GriddleClient scoped = client(limited.secret());
        assertThat(limited.projectIds()).containsExactly(mine.id());
        assertThat(scoped.projects().list(PageRequest.first()).data()).extracting(p -> p.id()).containsExactly(mine.id());
        assertThat(scoped.projects().get(mine.id()).name()).isEqualTo("mine");
        expectError(404, "NOT_FOUND", () -> scoped.projects().get(other.id()));
        expectError(403, "FORBIDDEN", () -> scoped.projects().create("new", null));
    }

    @Test
    void instanceAdminCreatesOrganizationsWithTheirOwnAdminKey() {
        var created = instanceAdmin().organizations().create("acme");
        assertThat(created.adminKey()).startsWith("grd_live_");
        assertThat(instanceAdmin().organizations().get(created.id()).name()).isEqualTo("acme");
        assertThat(instanceAdmin().organizations().list(PageRequest.of(1, 100)).meta().total()).isGreaterThanOrEqualTo(2);
        GriddleClient acme = client(created.adminKey());
        assertThat(acme.keys().list(PageRequest.first()).data()).singleElement().satisfies(k -> assertThat(k.role()).isEqualTo("admin"));
        expectError(422, "VALIDATION_FAILED", () -> instanceAdmin().organizations().create(" "));
    }
}
