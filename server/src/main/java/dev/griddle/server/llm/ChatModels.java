package dev.griddle.server.llm;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * LangChain4j chat models, one per provider and API key (the model name, temperature and tools go
 * with each request), kept in a bounded {@link ModelCache} and all sending through the one shared
 * {@link ProviderTransport}. LangChain4j's own retries are off: {@link ModelCaller} retries,
 * honouring {@code Retry-After}.
 */
@Component
class ChatModels {

    /** Thrown when a provider cannot be used: neither the server nor the agent has a key for it. */
    static final class NotConfiguredException extends RuntimeException {
        NotConfiguredException(String message) {
            super(message);
        }
    }

    private final ProviderSettings settings;
    private final LlmProperties props;
    private final ProviderTransport transport;
    private final ModelCache<ChatModel> models;

    ChatModels(ProviderSettings settings, LlmProperties props, ProviderTransport transport) {
        this.settings = settings;
        this.props = props;
        this.transport = transport;
        this.models = new ModelCache<>(props);
    }

    /** The chat model for {@code model}; {@code ownKey}, when not null, is the agent's own key (bring-your-own). */
    ChatModel forModel(ModelCatalog.Model model, String ownKey) {
        Provider provider = model.provider();
        ProviderSettings.Endpoint endpoint = settings.endpoint(provider);
        String apiKey = ownKey != null ? ownKey : endpoint.apiKey();
        if (ownKey == null && !settings.configured(provider)) {
            throw new NotConfiguredException("provider '" + provider.wire() + "' is not configured on this server (set GRIDDLE_"
                    + provider.name() + (provider == Provider.OLLAMA ? "_BASE_URL" : "_API_KEY") + ", or give the agent its own key)");
        }
        return models.get(provider, endpoint.baseUrl(), apiKey, () -> build(provider, endpoint.baseUrl(), apiKey));
    }

    private ChatModel build(Provider provider, String baseUrl, String apiKey) {
        return switch (provider) {
            case OPENAI -> {
                var b = OpenAiChatModel.builder().httpClientBuilder(transport.builder()).apiKey(Objects.requireNonNullElse(apiKey, "none"))
                        .maxRetries(0).timeout(props.timeout());
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                yield b.build();
            }
            case ANTHROPIC -> {
                var b = AnthropicChatModel.builder().httpClientBuilder(transport.builder()).apiKey(apiKey).maxRetries(0)
                        .timeout(props.timeout()).maxTokens(props.maxOutputTokens());
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                yield b.build();
            }
            case OLLAMA -> OllamaChatModel.builder().httpClientBuilder(transport.builder()).baseUrl(baseUrl).maxRetries(0)
                    .timeout(props.timeout()).build();
        };
    }
}
