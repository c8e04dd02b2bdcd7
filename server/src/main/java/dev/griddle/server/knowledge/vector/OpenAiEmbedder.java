package dev.griddle.server.knowledge.vector;

import dev.griddle.server.outbound.BoundedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Vectors from an OpenAI-compatible {@code POST {base-url}/embeddings} (OpenAI, or a local server
 * such as llama.cpp, vLLM or Ollama's OpenAI endpoint), configured by the operator, never by API
 * input. Texts go in batches of {@code batch-size}; each answer must hold one vector of the
 * configured dimension per input (by {@code index}), or the call fails rather than store vectors
 * of the wrong shape. The whole exchange is bounded in time and size ({@link BoundedBody}).
 */
public final class OpenAiEmbedder implements Embedder {

    private static final int ERROR_EXCERPT = 300;

    private final EmbeddingProperties.OpenAi settings;
    private final URI endpoint;
    private final HttpClient http;
    private final JsonMapper json = JsonMapper.builder().build();

    public OpenAiEmbedder(EmbeddingProperties.OpenAi settings) {
        this.settings = settings;
        String base = settings.baseUrl().endsWith("/") ? settings.baseUrl().substring(0, settings.baseUrl().length() - 1) : settings.baseUrl();
        this.endpoint = URI.create(base + "/embeddings");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout()).build();
    }

    @Override
    public int dimension() {
        return settings.dimensions();
    }

    @Override
    public String modelId() {
        return "openai/" + settings.model() + "@" + settings.dimensions();
    }

    @Override
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += settings.batchSize()) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + settings.batchSize()));
            float[][] vectors = call(batch);
            System.arraycopy(vectors, 0, out, from, vectors.length);
        }
        return out;
    }

    private float[][] call(List<String> batch) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", settings.model());
        body.put("input", batch);
        body.put("encoding_format", "float");
        if (settings.requestDimensions()) {
            body.put("dimensions", settings.dimensions());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(settings.timeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        if (settings.apiKey() != null && !settings.apiKey().isBlank()) {
            request.header("Authorization", "Bearer " + settings.apiKey());
        }
        HttpResponse<byte[]> response;
        try {
            response = BoundedBody.send(http, request.build(), settings.maxResponseSize().toBytes(), BoundedBody.Overflow.FAIL,
                    System.nanoTime() + settings.timeout().toNanos());
        } catch (HttpTimeoutException e) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " did not answer within " + settings.timeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw new EmbeddingException("cannot reach the embeddings endpoint " + endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while calling the embeddings endpoint", e);
        }
        if (response.statusCode() != 200) {
            String text = new String(response.body(), StandardCharsets.UTF_8);
            int status = response.statusCode();
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " answered " + status + ": "
                    + (text.length() > ERROR_EXCERPT ? text.substring(0, ERROR_EXCERPT) + "..." : text), status == 400 || status == 413 || status == 422);
        }
        return vectors(response.body(), batch.size());
    }

    private float[][] vectors(byte[] body, int expected) {
        JsonNode data;
        try {
            data = json.readTree(body).path("data");
        } catch (JacksonException e) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " answered something other than JSON", e);
        }
        if (!data.isArray() || data.size() != expected) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " returned " + (data.isArray() ? data.size() : "no")
                    + " vectors for " + expected + " inputs");
        }
        float[][] out = new float[expected][];
        List<String> problems = new ArrayList<>();
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode embedding = item.path("embedding");
            if (index < 0 || index >= expected || out[index] != null) {
                problems.add("index " + item.path("index"));
                continue;
            }
            if (!embedding.isArray() || embedding.size() != settings.dimensions()) {
                problems.add("vector " + index + " has " + (embedding.isArray() ? embedding.size() : 0) + " dimensions, configured "
                        + settings.dimensions() + " (griddle.knowledge.openai.dimensions)");
                continue;
            }
            float[] v = new float[embedding.size()];
            for (int d = 0; d < v.length; d++) {
                if (!embedding.get(d).isNumber()) {
                    problems.add("vector " + index + " holds a non-number");
                    break;
                }
                v[d] = embedding.get(d).floatValue();
            }
            out[index] = VectorMath.normalized(v);
        }
        if (!problems.isEmpty()) {
            throw new EmbeddingException("the embeddings endpoint " + endpoint + " answered badly: " + String.join("; ", problems));
        }
        return out;
    }
}
