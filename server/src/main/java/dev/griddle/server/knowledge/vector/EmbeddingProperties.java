package dev.griddle.server.knowledge.vector;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code griddle.knowledge.embedder} and its settings: which embedder makes the vectors
 * ({@code local}, the model inside the jar, by default; or {@code openai}, an OpenAI-compatible
 * {@code /embeddings} endpoint) and how each is bounded. A bad value stops start-up naming the
 * property.
 */
@ConfigurationProperties("griddle.knowledge")
public record EmbeddingProperties(@DefaultValue("local") String embedder, @DefaultValue Local local, @DefaultValue OpenAi openai) {

    /**
     * {@code griddle.knowledge.local.*}: {@code threads} ONNX threads for the one inference that
     * runs at a time (it shares the cores with the engine), {@code batch-size} texts per inference
     * (a search query waits for at most one batch), {@code max-tokens} per text (longer texts are cut).
     */
    public record Local(@DefaultValue("1") int threads, @DefaultValue("8") int batchSize, @DefaultValue("256") int maxTokens) {
        public Local {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("griddle.knowledge.local.threads must be between 1 and 64, was " + threads);
            }
            if (batchSize < 1 || batchSize > 256) {
                throw new IllegalArgumentException("griddle.knowledge.local.batch-size must be between 1 and 256, was " + batchSize);
            }
            if (maxTokens < 8 || maxTokens > 512) {
                throw new IllegalArgumentException("griddle.knowledge.local.max-tokens must be between 8 and 512, was " + maxTokens);
            }
        }
    }

    /**
     * {@code griddle.knowledge.openai.*}: {@code base-url} (up to and without {@code /embeddings}),
     * {@code model}, {@code api-key} (sent as a bearer token when set), {@code dimensions} (the
     * length of the vectors it returns; checked on every answer), {@code request-dimensions} (send
     * {@code dimensions} in the request, for models that can shorten their vectors),
     * {@code batch-size} texts per request, {@code timeout} per request, {@code max-response-size}.
     */
    public record OpenAi(String baseUrl, String model, String apiKey, @DefaultValue("0") int dimensions,
            @DefaultValue("false") boolean requestDimensions, @DefaultValue("64") int batchSize, @DefaultValue("60s") Duration timeout,
            @DefaultValue("32MB") DataSize maxResponseSize) {
        public OpenAi {
            if (batchSize < 1 || batchSize > 2048) {
                throw new IllegalArgumentException("griddle.knowledge.openai.batch-size must be between 1 and 2048, was " + batchSize);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("griddle.knowledge.openai.timeout must be positive, was " + timeout);
            }
            if (maxResponseSize.toBytes() < 1024) {
                throw new IllegalArgumentException("griddle.knowledge.openai.max-response-size must be at least 1KB, was " + maxResponseSize);
            }
        }
    }

    public EmbeddingProperties {
        if (!embedder.equals("local") && !embedder.equals("openai")) {
            throw new IllegalArgumentException("griddle.knowledge.embedder must be 'local' or 'openai', was '" + embedder + "'");
        }
        if (embedder.equals("openai")) {
            if (openai.baseUrl() == null || !openai.baseUrl().matches("https?://.+")) {
                throw new IllegalArgumentException("griddle.knowledge.openai.base-url must be an http(s) URL when griddle.knowledge.embedder is "
                        + "'openai', was '" + openai.baseUrl() + "'");
            }
            if (openai.model() == null || openai.model().isBlank()) {
                throw new IllegalArgumentException("griddle.knowledge.openai.model must be set when griddle.knowledge.embedder is 'openai'");
            }
            if (openai.dimensions() < 1 || openai.dimensions() > 16384) {
                throw new IllegalArgumentException("griddle.knowledge.openai.dimensions must be between 1 and 16384 when "
                        + "griddle.knowledge.embedder is 'openai', was " + openai.dimensions());
            }
        }
    }
}
