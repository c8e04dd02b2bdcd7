package dev.griddle.server.llm;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Provider endpoints and keys from the environment: {@code GRIDDLE_OPENAI_API_KEY},
 * {@code GRIDDLE_OPENAI_BASE_URL} (any OpenAI-compatible server), {@code GRIDDLE_ANTHROPIC_API_KEY},
 * {@code GRIDDLE_ANTHROPIC_BASE_URL}, {@code GRIDDLE_OLLAMA_BASE_URL}.
 */
@Component
class ProviderSettings {

    @ConfigurationProperties("griddle.openai")
    record OpenAi(String apiKey, String baseUrl) {
    }

    @ConfigurationProperties("griddle.anthropic")
    record Anthropic(String apiKey, String baseUrl) {
    }

    @ConfigurationProperties("griddle.ollama")
    record Ollama(String baseUrl) {
    }

    /** Where and how to reach one provider; either may be null. */
    record Endpoint(String apiKey, String baseUrl) {
    }

    private final OpenAi openai;
    private final Anthropic anthropic;
    private final Ollama ollama;

    ProviderSettings(OpenAi openai, Anthropic anthropic, Ollama ollama) {
        this.openai = openai;
        this.anthropic = anthropic;
        this.ollama = ollama;
    }

    Endpoint endpoint(Provider provider) {
        return switch (provider) {
            case OPENAI -> new Endpoint(blankToNull(openai.apiKey()), blankToNull(openai.baseUrl()));
            case ANTHROPIC -> new Endpoint(blankToNull(anthropic.apiKey()), blankToNull(anthropic.baseUrl()));
            case OLLAMA -> new Endpoint(null, blankToNull(ollama.baseUrl()));
        };
    }

    /** Whether the server itself can call this provider (an OpenAI-compatible server may need no key). */
    boolean configured(Provider provider) {
        Endpoint e = endpoint(provider);
        return switch (provider) {
            case OPENAI -> e.apiKey() != null || e.baseUrl() != null;
            case ANTHROPIC -> e.apiKey() != null;
            case OLLAMA -> e.baseUrl() != null;
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
