package dev.griddle.server.llm;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.llm.*}: custom models added to the catalog, the retry policy for provider calls
 * (429, 5xx and timeouts; {@code Retry-After} is honoured), timeouts, tool-loop limits, and the
 * bound on cached model objects ({@link ModelCache}: one per provider and API key, bring-your-own
 * keys included).
 */
@ConfigurationProperties("griddle.llm")
public record LlmProperties(
        List<CustomModel> models,
        @DefaultValue("4") int maxAttempts,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("30s") Duration maxBackoff,
        @DefaultValue("120s") Duration timeout,
        @DefaultValue("10") int maxToolCalls,
        @DefaultValue("4096") int maxOutputTokens,
        @DefaultValue("1000") int modelCacheSize,
        @DefaultValue("1h") Duration modelCacheIdle) {

    /** A model not in the shipped catalog: {@code id} is {@code provider/name}; {@code model} overrides the name sent. */
    public record CustomModel(String id, String model, Integer contextWindow, BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok) {
    }

    public LlmProperties {
        models = models == null ? List.of() : List.copyOf(models);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("griddle.llm.max-attempts must be between 1 and 20, was " + maxAttempts);
        }
        if (maxToolCalls < 0) {
            throw new IllegalArgumentException("griddle.llm.max-tool-calls must be >= 0, was " + maxToolCalls);
        }
        if (modelCacheSize < 0 || modelCacheSize > 100_000) {
            throw new IllegalArgumentException("griddle.llm.model-cache-size must be between 0 and 100000, was " + modelCacheSize);
        }
        if (modelCacheIdle == null || modelCacheIdle.isNegative() || modelCacheIdle.isZero()) {
            throw new IllegalArgumentException("griddle.llm.model-cache-idle must be positive, was " + modelCacheIdle);
        }
        for (int i = 0; i < models.size(); i++) {
            CustomModel m = models.get(i);
            if (m.id() == null || Provider.of(m.id()).isEmpty() || m.id().indexOf('/') == m.id().length() - 1) {
                throw new IllegalArgumentException("griddle.llm.models[" + i + "].id must be 'openai/<name>', 'anthropic/<name>' or "
                        + "'ollama/<name>', was '" + (m == null ? null : m.id()) + "'");
            }
            if ((m.inputUsdPerMtok() != null && m.inputUsdPerMtok().signum() < 0)
                    || (m.outputUsdPerMtok() != null && m.outputUsdPerMtok().signum() < 0)) {
                throw new IllegalArgumentException("griddle.llm.models[" + i + "] prices must be >= 0");
            }
        }
    }
}
