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
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Authenticated keys are remembered ({@code griddle.cache.key-ttl}, a minute here so that nothing
 * below passes by the entry expiring): a remembered key revoked through this node is refused on the
 * next request, and its expiry is checked on every request.
 */
@TestPropertySource(properties = "griddle.cache.key-ttl=1m")
class KeyCacheTest extends ApiTest {

    @Test
    void aRememberedKeyRevokedHereIsRefusedOnTheNextRequest() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(CreateKey.of("busy", "viewer"));
        GriddleClient viewer = client(key.secret());
        for (int i = 0; i < 3; i++) {
            viewer.projects().list(PageRequest.first());
        }
        admin.keys().revoke(key.id());
        assertThat(expectError(401, "UNAUTHENTICATED", () -> viewer.projects().list(PageRequest.first())).apiMessage()).contains("revoked");
        // revoking one key forgets only that one
        admin.projects().list(PageRequest.first());
    }

    @Test
    void aRememberedKeyExpiresOnTime() {
        GriddleClient admin = newOrg();
        ApiKey key = admin.keys().create(new CreateKey("short", "viewer", null, Instant.now().plusSeconds(2)));
        GriddleClient soon = client(key.secret());
        soon.projects().list(PageRequest.first());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(expectError(401, "UNAUTHENTICATED", () -> soon.projects().list(PageRequest.first())).apiMessage()).contains("expired"));
    }
}
