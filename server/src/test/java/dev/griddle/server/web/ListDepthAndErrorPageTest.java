package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Inputs that once answered 500: a page deep enough to overflow an int offset, and the container's error page called as a route. */
class ListDepthAndErrorPageTest extends ApiTest {

    @Test
    void everyPagedListRefusesAPageBeyondTheDepthCap() {
        GriddleClient admin = newOrg();
        JsonNode document = json(admin.raw("GET", "/api/v1/openapi.json", null, Map.of()));
        List<String> paged = new ArrayList<>();
        document.path("paths").properties().forEach(path -> {
            JsonNode get = path.getValue().path("get");
            boolean hasPaging = false;
            for (JsonNode parameter : get.path("parameters")) {
                hasPaging |= parameter.path("name").asString().equals("per_page");
            }
            if (hasPaging) {
                paged.add(path.getKey().replaceAll("\\{[^}]+}", UUID.randomUUID().toString()));
            }
        });
        assertThat(paged).hasSizeGreaterThan(20).contains("/api/v1/projects", "/api/v1/runs", "/api/v1/traces");
        List<String> violations = new ArrayList<>();
        for (String path : paged) {
            GriddleClient caller = path.startsWith("/api/v1/organizations") ? instanceAdmin() : admin;
            RawResponse deep = caller.raw("GET", path + "?page=21474838&per_page=100", null, Map.of());
            JsonNode body = json(deep);
            if (deep.status() != 422 || !body.path("error").path("details").path("field_errors").has("page")) {
                violations.add(path + " → " + deep.status() + " " + deep.body());
            }
        }
        assertThat(violations).withFailMessage(() -> String.join("\n", violations)).isEmpty();

        JsonNode body = assertEnvelope(admin.raw("GET", "/api/v1/projects?page=101&per_page=100", null, Map.of()), 422, "VALIDATION_FAILED");
        assertThat(body.path("error").path("details").path("field_errors").path("page").get(0).asString()).contains("10000");
        RawResponse deepest = admin.raw("GET", "/api/v1/runs?page=100&per_page=100", null, Map.of());
        assertThat(deepest.status()).isEqualTo(200);
        assertThat(json(deepest).path("data").isEmpty()).isTrue();
        assertThat(admin.raw("GET", "/api/v1/traces?page=500&per_page=20", null, Map.of()).status()).isEqualTo(200);
    }

    @Test
    void theErrorPageIsNotARoute() {
        GriddleClient admin = newOrg();
        for (String method : new String[] {"GET", "POST", "DELETE"}) {
            JsonNode body = assertEnvelope(admin.raw(method, "/error", null, Map.of()), 404, "NOT_FOUND");
            assertThat(body.path("error").path("message").asString()).isEqualTo("No route " + method + " /error");
        }
        assertEnvelope(admin.raw("GET", "/error?status=500", null, Map.of()), 404, "NOT_FOUND");
        // a real failure outside MVC still reaches the error page and is answered in the envelope
        assertEnvelope(admin.raw("GET", "/definitely/not/here", null, Map.of()), 404, "NOT_FOUND");
    }
}
