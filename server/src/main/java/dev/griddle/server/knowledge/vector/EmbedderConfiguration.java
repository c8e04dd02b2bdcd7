package dev.griddle.server.knowledge.vector;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link Embedder} of this node, as {@code griddle.knowledge.embedder} says. Creating it
 * loads nothing: the local model is read on the first embedding, so a server that never uses
 * knowledge never pays its memory. The {@link VectorIndex} is sized to the embedder's dimension.
 */
@Configuration(proxyBeanMethods = false)
class EmbedderConfiguration {

    /** Closed at shutdown when it holds native resources (the local model). */
    @Bean
    Embedder embedder(EmbeddingProperties properties) {
        return create(properties);
    }

    /**
     * Empty until the lead's loader rebuilds it from the chunk table; of the embedder's dimension.
     * Its size shows on {@code /metrics} as {@code griddle_knowledge_index_chunks} and
     * {@code griddle_knowledge_index_bytes} (this node's copy).
     */
    @Bean
    VectorIndex vectorIndex(Embedder embedder, MeterRegistry meters) {
        VectorIndex index = new VectorIndex(embedder.dimension());
        Gauge.builder("griddle.knowledge.index.chunks", index, VectorIndex::size).description("Chunk vectors in this node's in-memory index")
                .register(meters);
        Gauge.builder("griddle.knowledge.index.bytes", index, VectorIndex::bytes).baseUnit("bytes")
                .description("Estimated heap held by this node's in-memory vector index").register(meters);
        return index;
    }

    static Embedder create(EmbeddingProperties properties) {
        return switch (properties.embedder()) {
            case "openai" -> new OpenAiEmbedder(properties.openai());
            default -> new LocalMiniLmEmbedder(properties.local().threads(), properties.local().batchSize(), properties.local().maxTokens());
        };
    }
}
