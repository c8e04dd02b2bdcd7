package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
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
    void bindsFromTheDocumentedNamesWithTheirDefaults() {
        EmbeddingProperties defaults = bind(Map.of());
        assertThat(defaults.embedder()).isEqualTo("local");
        assertThat(defaults.local()).isEqualTo(new EmbeddingProperties.Local(1, 8, 256));
        assertThat(defaults.openai().timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.openai().maxResponseSize()).isEqualTo(DataSize.ofMegabytes(32));

        EmbeddingProperties openai = bind(Map.of("griddle.knowledge.embedder", "openai", "griddle.knowledge.local.threads", "2",
                "griddle.knowledge.openai.base-url", "http://127.0.0.1:8000/v1", "griddle.knowledge.openai.model", "bge-small",
                "griddle.knowledge.openai.dimensions", "384", "griddle.knowledge.openai.request-dimensions", "true",
                "griddle.knowledge.openai.max-response-size", "4MB"));
        assertThat(openai.local().threads()).isEqualTo(2);
        assertThat(openai.openai().requestDimensions()).isTrue();
        assertThat(openai.openai().maxResponseSize()).isEqualTo(DataSize.ofMegabytes(4));
        assertThat(EmbedderConfiguration.create(openai).modelId()).isEqualTo("openai/bge-small@384");

        assertThatThrownBy(() -> bind(Map.of("griddle.knowledge.embedder", "openai"))).hasStackTraceContaining("griddle.knowledge.openai.base-url");
    }

    private static EmbeddingProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("griddle.knowledge", EmbeddingProperties.class);
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
