package dev.griddle.server.llm;

import java.util.Locale;
import java.util.Optional;

/** A model provider, the prefix of a model id ({@code openai/gpt-4o-mini}). */
enum Provider {
    OPENAI, ANTHROPIC, OLLAMA;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The provider of a model id, from its prefix. */
    static Optional<Provider> of(String modelId) {
        if (modelId == null) {
            return Optional.empty();
        }
        int slash = modelId.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String prefix = modelId.substring(0, slash);
        for (Provider p : values()) {
            if (p.wire().equals(prefix)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
