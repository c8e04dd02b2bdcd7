package dev.griddle.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The hybrid-search settings bind from their documented names, with their documented defaults, and refuse values out of range naming the setting. */
class VectorSearchPropertiesTest {

    private static VectorSearchProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("griddle.knowledge.vectors", VectorSearchProperties.class);
    }

    @Test
    void defaultsAndNames() {
        assertThat(bind(Map.of())).isEqualTo(new VectorSearchProperties(true, 16, 20, 0.2));
        assertThat(bind(Map.of("griddle.knowledge.vectors.enabled", "false", "griddle.knowledge.vectors.embed-batch", "4",
                "griddle.knowledge.vectors.candidates", "50", "griddle.knowledge.vectors.min-similarity", "0.3")))
                .isEqualTo(new VectorSearchProperties(false, 4, 50, 0.3));
    }

    @Test
    void outOfRangeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new VectorSearchProperties(true, 0, 20, 0.2)).hasMessageContaining("griddle.knowledge.vectors.embed-batch");
        assertThatThrownBy(() -> new VectorSearchProperties(true, 16, 1001, 0.2)).hasMessageContaining("griddle.knowledge.vectors.candidates");
        assertThatThrownBy(() -> new VectorSearchProperties(true, 16, 20, 1.5)).hasMessageContaining("griddle.knowledge.vectors.min-similarity");
    }
}
