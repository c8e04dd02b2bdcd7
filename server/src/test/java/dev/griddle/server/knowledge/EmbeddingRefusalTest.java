package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.server.ServerTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The embedding loop against an OpenAI-compatible endpoint (a real HTTP server in the test) that
 * refuses any request holding a text with "POISON" ({@code 400}, as providers do for an input they
 * reject), or is down ({@code 503}): one refused chunk is set aside and the rest are embedded; an
 * endpoint that is down marks nothing, and the chunks are embedded once it is back. The server has a
 * database of its own, so no other test server's embedder (another model) takes these chunks.
 */
class EmbeddingRefusalTest extends ServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final AtomicInteger STATUS = new AtomicInteger(200);
    private static final HttpServer ENDPOINT = endpoint();
    private static final Supplier<Object> DATABASE = databaseOfItsOwn();

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void embedder(DynamicPropertyRegistry registry) {
        serverProperties(registry, DATABASE);
        registry.add("griddle.knowledge.vectors.enabled", () -> "true");
        registry.add("griddle.knowledge.embedder", () -> "openai");
        registry.add("griddle.knowledge.openai.base-url", () -> "http://127.0.0.1:" + ENDPOINT.getAddress().getPort() + "/v1");
        registry.add("griddle.knowledge.openai.model", () -> "fake-embed");
        registry.add("griddle.knowledge.openai.dimensions", () -> "4");
        registry.add("griddle.knowledge.openai.timeout", () -> "2s");
    }

    @AfterAll
    static void stopEndpoint() {
        ENDPOINT.stop(0);
    }

    @Test
    void aChunkTheEndpointRefusesIsSetAsideAndTheRestAreEmbedded() {
        GriddleClient c = newOrg();
        UUID poison = c.knowledge().create(DocumentInput.text("Bad", "The POISON pill sits in the vault.", "org", null)).id();
        UUID[] good = new UUID[3];
        for (int i = 0; i < good.length; i++) {
            good[i] = c.knowledge().create(DocumentInput.text("Good " + i, "Harmless passage number " + i + " about otters.", "org", null)).id();
        }
        ready(c, poison);
        for (UUID id : good) {
            ready(c, id);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> embedded(good) == good.length);
        String error = jdbc.sql("select embedding_error from knowledge_chunks where document_id = :d").param("d", poison).query(String.class).single();
        assertThat(error).contains("400").contains("input rejected");
        assertThat(jdbc.sql("select embedding_model from knowledge_chunks where document_id = :d").param("d", poison).query(String.class).single())
                .isEqualTo("openai/fake-embed@4");
        // the refused chunk is still found, by full text
        assertThat(c.knowledge().search(SearchRequest.of("poison pill vault", "org", null))).extracting(Hit::documentId).contains(poison);
        assertThat(c.knowledge().search(SearchRequest.of("otters", "org", null))).extracting(Hit::documentId).contains(good);
    }

    @Test
    void anEndpointThatIsDownMarksNothingAndTheChunksAreEmbeddedWhenItIsBack() {
        GriddleClient c = newOrg();
        STATUS.set(503);
        UUID id;
        try {
            id = c.knowledge().create(DocumentInput.text("Later", "Embedded once the endpoint is back.", "org", null)).id();
            ready(c, id);
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(jdbc.sql("select count(*) from knowledge_chunks where document_id = :d and (embedding_model is not null or embedding_error is not null)")
                    .param("d", id).query(Long.class).single()).isZero();
        } finally {
            STATUS.set(200);
        }
        UUID doc = id;
        await().atMost(Duration.ofSeconds(30)).until(() -> embedded(doc) == 1);
    }

    private long embedded(UUID... documents) {
        return jdbc.sql("select count(*) from knowledge_chunks where document_id = any(:d) and embedding is not null")
                .param("d", documents).query(Long.class).single();
    }

    private static HttpServer endpoint() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/embeddings", exchange -> {
                JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
                int status = STATUS.get();
                String body;
                if (status != 200) {
                    body = "{\"error\": {\"message\": \"temporarily unavailable\"}}";
                } else if (request.path("input").toString().contains("POISON")) {
                    status = 400;
                    body = "{\"error\": {\"message\": \"input rejected by the moderation filter\"}}";
                } else {
                    body = vectors(request.path("input")).toString();
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A unit vector per text, from its hash: the same text, the same vector. */
    private static ObjectNode vectors(JsonNode inputs) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < inputs.size(); i++) {
            int h = inputs.get(i).asString().hashCode();
            double[] v = {(h & 0xff) + 1, ((h >> 8) & 0xff) + 1, ((h >> 16) & 0xff) + 1, ((h >> 24) & 0xff) + 1};
            double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3]);
            ObjectNode item = data.addObject().put("index", i);
            ArrayNode embedding = item.putArray("embedding");
            for (double x : v) {
                embedding.add(x / norm);
            }
        }
        return root;
    }
}
