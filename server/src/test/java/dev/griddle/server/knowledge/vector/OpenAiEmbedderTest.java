package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Against a fake OpenAI-compatible server on 127.0.0.1 (a real HTTP server in the test). */
class OpenAiEmbedderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile Function<JsonNode, String> answer = OpenAiEmbedderTest::reversedOrderAnswer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/embeddings", exchange -> {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = (status == 200 ? answer.apply(request) : "{\"error\":{\"message\":\"quota exceeded\"}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void sendsBatchesAndPutsEachVectorBackInItsPlace() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(settings("sk-test", 2, false));
        float[][] vectors = embedder.embed(List.of("alpha", "beta", "gamma"));

        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).get("model").asString()).isEqualTo("embed-small");
        assertThat(requests.get(0).get("input").toString()).isEqualTo("[\"alpha\",\"beta\"]");
        assertThat(requests.get(1).get("input").toString()).isEqualTo("[\"gamma\"]");
        assertThat(requests.get(0).has("dimensions")).isFalse();
        assertThat(authorizations).containsOnly("Bearer sk-test");
        // the fake answers [length, 1, 0, 0] per input, in reverse order: each comes back at its index, scaled to unit length
        assertThat(vectors[0][0]).isGreaterThan(vectors[1][0]);
        assertThat(vectors[2][0] * vectors[2][0] + vectors[2][1] * vectors[2][1]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(VectorMath.dot(vectors[0], new float[] {5, 1, 0, 0}, 0)).isGreaterThan(0.999f * (float) Math.sqrt(26));
        assertThat(embedder.dimension()).isEqualTo(4);
        assertThat(embedder.modelId()).isEqualTo("openai/embed-small@4");
    }

    @Test
    void asksForTheDimensionWhenToldAndSendsNoKeyWhenNoneIsSet() {
        new OpenAiEmbedder(settings(null, 64, true)).embed(List.of("x"));
        assertThat(requests.get(0).get("dimensions").asInt()).isEqualTo(4);
        assertThat(authorizations).containsExactly("null");
    }

    @Test
    void failsOnARefusalWithTheStatusAndTheProvidersWords() {
        status = 429;
        assertThatThrownBy(() -> new OpenAiEmbedder(settings("sk-test", 64, false)).embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("429").hasMessageContaining("quota exceeded")
                .hasMessageNotContaining("sk-test");
    }

    @Test
    void failsOnVectorsOfAnotherShapeOrCount() {
        answer = request -> "{\"data\":[{\"index\":0,\"embedding\":[1,2,3]}]}";
        assertThatThrownBy(() -> new OpenAiEmbedder(settings(null, 64, false)).embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("3 dimensions, configured 4");
        answer = request -> "{\"data\":[{\"index\":0,\"embedding\":[1,2,3,4]}]}";
        assertThatThrownBy(() -> new OpenAiEmbedder(settings(null, 64, false)).embed(List.of("x", "y")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("1 vectors for 2 inputs");
        answer = request -> "{\"data\":[{\"index\":0,\"embedding\":[1,2,3,4]},{\"index\":0,\"embedding\":[1,2,3,4]}]}";
        assertThatThrownBy(() -> new OpenAiEmbedder(settings(null, 64, false)).embed(List.of("x", "y")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("index 0");
        answer = request -> "not json";
        assertThatThrownBy(() -> new OpenAiEmbedder(settings(null, 64, false)).embed(List.of("x")))
                .isInstanceOf(EmbeddingException.class).hasMessageContaining("other than JSON");
    }

    @Test
    void failsOnAnAnswerOverTheSizeLimit() {
        answer = request -> "{\"data\":[{\"index\":0,\"embedding\":[1,2,3,4]}],\"pad\":\"" + "x".repeat(4096) + "\"}";
        var small = new EmbeddingProperties.OpenAi(baseUrl(), "embed-small", null, 4, false, 64, Duration.ofSeconds(5), DataSize.ofBytes(1024));
        assertThatThrownBy(() -> new OpenAiEmbedder(small).embed(List.of("x"))).isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("over the limit");
    }

    private EmbeddingProperties.OpenAi settings(String key, int batch, boolean requestDimensions) {
        return new EmbeddingProperties.OpenAi(baseUrl() + "/", "embed-small", key, 4, requestDimensions, batch, Duration.ofSeconds(5),
                DataSize.ofMegabytes(1));
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private static String reversedOrderAnswer(JsonNode request) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode data = root.putArray("data");
        JsonNode input = request.get("input");
        for (int i = input.size() - 1; i >= 0; i--) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            ArrayNode embedding = item.putArray("embedding");
            embedding.add(input.get(i).asString().length());
            embedding.add(1);
            embedding.add(0);
            embedding.add(0);
        }
        root.put("model", request.get("model").asString());
        return root.toString();
    }
}
