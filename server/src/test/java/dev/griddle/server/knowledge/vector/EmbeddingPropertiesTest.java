package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class EmbeddingPropertiesTest {

    private static final EmbeddingProperties.Local LOCAL = new EmbeddingProperties.Local(1, 8, 256);
    private static final EmbeddingProperties.OpenAi NO_OPENAI = new EmbeddingProperties.OpenAi(null, null, null, 0, false, 64,
            Duration.ofSeconds(60), DataSize.ofMegabytes(32));

    @Test
    void theDefaultIsTheLocalModelAndItLoadsNothingUntilUsed() {
        Embedder embedder = EmbedderConfiguration.create(new EmbeddingProperties("local", LOCAL, NO_OPENAI));
        assertThat(embedder).isInstanceOf(LocalMiniLmEmbedder.class);
        assertThat(((LocalMiniLmEmbedder) embedder).loaded()).isFalse();
        assertThat(embedder.dimension()).isEqualTo(384);
    }

    @Test
    void openaiNeedsAUrlAModelAndADimension() {
        assertThatThrownBy(() -> new EmbeddingProperties("openai", LOCAL, NO_OPENAI)).hasMessageContaining("griddle.knowledge.openai.base-url");
        var noDimension = new EmbeddingProperties.OpenAi("http://127.0.0.1:8080/v1", "nomic-embed-text", null, 0, false, 64,
                Duration.ofSeconds(60), DataSize.ofMegabytes(32));
        assertThatThrownBy(() -> new EmbeddingProperties("openai", LOCAL, noDimension)).hasMessageContaining("griddle.knowledge.openai.dimensions");
        var ok = new EmbeddingProperties.OpenAi("http://127.0.0.1:8080/v1", "nomic-embed-text", null, 768, false, 64, Duration.ofSeconds(60),
                DataSize.ofMegabytes(32));
        assertThat(EmbedderConfiguration.create(new EmbeddingProperties("openai", LOCAL, ok)).modelId()).isEqualTo("openai/nomic-embed-text@768");
    }

    @Test
    void badValuesNameTheirProperty() {
        assertThatThrownBy(() -> new EmbeddingProperties("pgvector", LOCAL, NO_OPENAI)).hasMessageContaining("griddle.knowledge.embedder");
        assertThatThrownBy(() -> new EmbeddingProperties.Local(0, 8, 256)).hasMessageContaining("griddle.knowledge.local.threads");
        assertThatThrownBy(() -> new EmbeddingProperties.Local(1, 0, 256)).hasMessageContaining("griddle.knowledge.local.batch-size");
        assertThatThrownBy(() -> new EmbeddingProperties.Local(1, 8, 1024)).hasMessageContaining("griddle.knowledge.local.max-tokens");
        assertThatThrownBy(() -> new EmbeddingProperties.OpenAi(null, null, null, 0, false, 0, Duration.ofSeconds(1), DataSize.ofMegabytes(1)))
                .hasMessageContaining("griddle.knowledge.openai.batch-size");
    }
}
