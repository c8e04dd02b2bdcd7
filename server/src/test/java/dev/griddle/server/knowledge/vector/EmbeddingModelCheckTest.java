package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingModelCheckTest {

    private final Embedder local = new LocalMiniLmEmbedder(1, 8, 256);

    @Test
    void aVectorOfTheConfiguredModelAndDimensionIsCurrent() {
        assertThat(EmbeddingModelCheck.isCurrent(local, "local/all-minilm-l6-v2@384", new byte[384 * 4])).isTrue();
    }

    @Test
    void anotherModelAMissingVectorOrAnotherLengthNeedsReembedding() {
        assertThat(EmbeddingModelCheck.needsReembedding(local, "openai/text-embedding-3-small@1536", new byte[384 * 4])).isTrue();
        assertThat(EmbeddingModelCheck.needsReembedding(local, null, null)).isTrue();
        assertThat(EmbeddingModelCheck.needsReembedding(local, "local/all-minilm-l6-v2@384", null)).isTrue();
        assertThat(EmbeddingModelCheck.needsReembedding(local, "local/all-minilm-l6-v2@384", new byte[383 * 4])).isTrue();
    }

    @Test
    void theModelIdChangesWithTheOpenAiModelAndItsDimension() {
        var small = new OpenAiEmbedder(openai("text-embedding-3-small", 1536));
        var shortened = new OpenAiEmbedder(openai("text-embedding-3-small", 512));
        assertThat(small.modelId()).isEqualTo("openai/text-embedding-3-small@1536");
        assertThat(shortened.modelId()).isNotEqualTo(small.modelId());
        assertThat(EmbeddingModelCheck.needsReembedding(shortened, small.modelId(), new byte[512 * 4])).isTrue();
    }

    static EmbeddingProperties.OpenAi openai(String model, int dimensions) {
        return new EmbeddingProperties.OpenAi("http://127.0.0.1:1/v1", model, null, dimensions, false, 64, java.time.Duration.ofSeconds(5),
                org.springframework.util.unit.DataSize.ofMegabytes(1));
    }
}
