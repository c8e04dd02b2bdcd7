package dev.griddle.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class OperationsTest extends ApiTest {

    @Test
    void healthAndReadinessNeedNoKey() {
        GriddleClient anonymous = client(null);
        RawResponse health = anonymous.raw("GET", "/healthz", null, Map.of());
        assertThat(health.status()).isEqualTo(200);
        assertThat(json(health).path("status").asString()).isEqualTo("ok");
        RawResponse ready = anonymous.raw("GET", "/readyz", null, Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(json(ready).path("database").asString()).isEqualTo("up");
    }

    @Test
    void metricsArePrometheusText() {
        newOrg().raw("GET", "/api/v1/projects", null, Map.of());
        RawResponse metrics = client(null).raw("GET", "/metrics", null, Map.of("Accept", "text/plain"));
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count").contains("jvm_memory_used_bytes").contains("hikaricp_connections");
    }

    @Test
    void openApiDocumentIsComplete() {
        RawResponse doc = client(null).raw("GET", "/api/v1/openapi.json", null, Map.of());
        assertThat(doc.status()).isEqualTo(200);
        JsonNode openapi = json(doc);
        assertThat(openapi.path("openapi").asString()).startsWith("3.1");
        JsonNode paths = openapi.path("paths");
        for (String path : new String[] {"/api/v1/keys", "/api/v1/keys/{id}", "/api/v1/projects", "/api/v1/projects/{id}",
                "/api/v1/projects/{id}/members", "/api/v1/organizations", "/api/v1/runners", "/api/v1/runners/{id}/versions",
                "/api/v1/runners/{runnerId}/runs", "/api/v1/runs", "/api/v1/runs/{id}", "/api/v1/runs/{id}/steps", "/api/v1/runs/{id}/events",
                "/api/v1/runs/{id}/events/stream", "/api/v1/runs/{id}/cancel", "/api/v1/runs/{id}/retry", "/api/v1/approvals",
                "/api/v1/approvals/{id}/complete"}) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        assertThat(openapi.path("components").path("securitySchemes").has("bearer")).isTrue();
        assertThat(doc.body()).doesNotContain("\"caller\"");
        assertThat(client(null).raw("GET", "/docs", null, Map.of()).status()).isIn(200, 302);
    }
}
