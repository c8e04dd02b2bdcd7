package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** A key revoked where this node does not see it (another node, straight in the database) is refused once its entry's TTL has passed. */
@TestPropertySource(properties = "griddle.cache.key-ttl=500ms")
class KeyCacheTtlTest extends ApiTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aKeyRevokedByAnotherNodeIsRefusedWithinTheTtl() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("elsewhere", "viewer"));
        GriddleClient viewer = client(key.secret());
        viewer.projects().list(PageRequest.first());
        long revokedAt = System.nanoTime();
        jdbc.sql("update api_keys set revoked_at = now() where id = :id").param("id", key.id()).update();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                expectError(401, "UNAUTHENTICATED", () -> viewer.projects().list(PageRequest.first())));
        assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(2));
    }
}
