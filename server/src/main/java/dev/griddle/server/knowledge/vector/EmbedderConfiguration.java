package dev.griddle.server.knowledge.vector;

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

    /** Empty until the lead's loader rebuilds it from the chunk table; of the embedder's dimension. */
    @Bean
    VectorIndex vectorIndex(Embedder embedder) {
        return new VectorIndex(embedder.dimension());
    }

    static Embedder create(EmbeddingProperties properties) {
        return switch (properties.embedder()) {
            case "openai" -> new OpenAiEmbedder(properties.openai());
            default -> new LocalMiniLmEmbedder(properties.local().threads(), properties.local().batchSize(), properties.local().maxTokens());
        };
    }
}
