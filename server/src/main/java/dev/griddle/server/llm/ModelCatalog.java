package dev.griddle.server.llm;

import dev.griddle.server.runner.ModelNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The models steps may name: the catalog shipped in {@code models.json} plus
 * {@code griddle.llm.models[...]} (a custom entry with a shipped id replaces it). Prices are US
 * dollars per million tokens.
 */
@Component
class ModelCatalog implements ModelNames {

    /** One model. {@code name} is what the provider is sent. */
    record Model(String id, Provider provider, String name, int contextWindow, BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok) {

        private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

        BigDecimal cost(long inputTokens, long outputTokens) {
            return inputUsdPerMtok.multiply(BigDecimal.valueOf(inputTokens)).add(outputUsdPerMtok.multiply(BigDecimal.valueOf(outputTokens)))
                    .divide(MILLION, 6, RoundingMode.HALF_UP);
        }
    }

    private final Map<String, Model> models = new LinkedHashMap<>();

    ModelCatalog(JsonMapper json, LlmProperties props) {
        try (InputStream in = ModelCatalog.class.getResourceAsStream("/models.json")) {
            if (in == null) {
                throw new IllegalStateException("models.json is missing from the classpath");
            }
            for (JsonNode m : json.readTree(in).path("models")) {
                String id = m.path("id").asString();
                add(new Model(id, Provider.of(id).orElseThrow(() -> new IllegalStateException("models.json: bad id '" + id + "'")),
                        m.hasNonNull("model") ? m.get("model").asString() : id.substring(id.indexOf('/') + 1), m.path("context_window").asInt(),
                        m.path("input_usd_per_mtok").decimalValue(), m.path("output_usd_per_mtok").decimalValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (LlmProperties.CustomModel c : props.models()) {
            add(new Model(c.id(), Provider.of(c.id()).orElseThrow(), c.model() != null ? c.model() : c.id().substring(c.id().indexOf('/') + 1),
                    c.contextWindow() == null ? 0 : c.contextWindow(), c.inputUsdPerMtok() == null ? BigDecimal.ZERO : c.inputUsdPerMtok(),
                    c.outputUsdPerMtok() == null ? BigDecimal.ZERO : c.outputUsdPerMtok()));
        }
    }

    private void add(Model model) {
        models.put(model.id(), model);
    }

    Optional<Model> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    List<Model> all() {
        return new ArrayList<>(models.values());
    }

    @Override
    public Optional<String> problem(String model) {
        if (models.containsKey(model)) {
            return Optional.empty();
        }
        return Optional.of("unknown model '" + model + "'; GET /api/v1/models lists them (custom models: griddle.llm.models)");
    }
}
