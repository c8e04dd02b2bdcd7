package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document describes every operation fully (operationId, summary, description,
 * tags, error responses with the envelope) and lists no internal route. It is written to
 * {@code target/openapi.json}, where {@code .ci/run} lints it with Redocly CLI.
 */
class OpenApiDocumentTest extends ApiTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void everyOperationIsDescribedAndTheDocumentIsWrittenForTheLint() throws IOException {
        RawResponse served = client(null).raw("GET", "/api/v1/openapi.json", null, Map.of());
        assertThat(served.status()).isEqualTo(200);
        Files.writeString(Path.of("target", "openapi.json"), served.body());
        JsonNode document = json(served);

        List<String> violations = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        int[] counts = new int[6];
        document.path("paths").properties().forEach(path -> {
            String p = path.getKey();
            if (p.equals("/error") || p.startsWith("/error/") || p.startsWith("/console") || p.startsWith("/mcp") || p.startsWith("/a2a")) {
                violations.add(p + " is not a route of the HTTP API");
            }
            path.getValue().properties().stream().filter(op -> METHODS.contains(op.getKey())).forEach(op -> {
                String name = op.getKey().toUpperCase() + " " + p;
                JsonNode o = op.getValue();
                counts[0]++;
                if (o.path("operationId").asString("").isBlank() || !operationIds.add(o.path("operationId").asString())) {
                    violations.add(name + ": no operationId, or one another operation has");
                    counts[1]++;
                }
                if (o.path("summary").asString("").isBlank()) {
                    violations.add(name + ": no summary");
                    counts[2]++;
                }
                if (o.path("description").asString("").isBlank()) {
                    violations.add(name + ": no description");
                    counts[3]++;
                }
                if (o.path("tags").isEmpty()) {
                    violations.add(name + ": no tag");
                    counts[4]++;
                }
                boolean probe = p.equals("/healthz") || p.equals("/readyz");
                boolean errors = o.path("responses").properties().stream().anyMatch(r -> (probe || r.getKey().startsWith("4"))
                        && envelope(document, r.getValue()));
                if (!errors) {
                    violations.add(name + ": no 4xx response with the error envelope");
                    counts[5]++;
                }
            });
        });
        System.out.printf("OpenAPI: %d operations; without operationId %d, summary %d, description %d, tags %d, error responses %d%n",
                counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]);
        assertThat(counts[0]).isGreaterThan(150);
        assertThat(violations).withFailMessage(() -> violations.size() + " gaps:\n" + String.join("\n", violations)).isEmpty();
    }

    /** A response (or the components' response it refers to) whose JSON body is the error envelope. */
    private static boolean envelope(JsonNode document, JsonNode response) {
        String ref = response.path("$ref").asString("");
        JsonNode resolved = ref.startsWith("#/components/responses/") ? document.path("components").path("responses").path(ref.substring(23)) : response;
        return resolved.path("content").path("application/json").path("schema").path("$ref").asString("").equals("#/components/schemas/ErrorEnvelope");
    }
}
