package dev.griddle.server.llm;

import dev.griddle.server.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Streaming chat models for conversations that show tokens as they arrive (agent threads). Same
 * catalog, provider settings, bring-your-own keys, bounded {@link ModelCache} and shared HTTP
 * client ({@link ProviderTransport}) as {@link ChatModels}; no retries, since a stream that has
 * started cannot be replayed to the listener.
 */
@Component
public class StreamingChats {

    /**
     * What a thread needs to talk to a model: the model, the name the provider is sent, its context
     * window (0 = unknown) and its catalog prices (US dollars per million tokens).
     */
    public record Target(StreamingChatModel chat, String modelId, String providerModelName, int contextWindow, BigDecimal inputUsdPerMtok,
            BigDecimal outputUsdPerMtok) {

        /** The cost of a call, as {@code llm} steps count it. */
        public BigDecimal cost(long inputTokens, long outputTokens) {
            return new ModelCatalog.Model(modelId, null, providerModelName, contextWindow, inputUsdPerMtok, outputUsdPerMtok).cost(inputTokens,
                    outputTokens);
        }
    }

    /** The model cannot be used: not in the catalog, or its provider is not configured. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message);
        }
    }

    private final ModelCatalog catalog;
    private final ProviderSettings settings;
    private final LlmProperties props;
    private final ProviderTransport transport;
    private final ModelCache<StreamingChatModel> models;

    StreamingChats(ModelCatalog catalog, ProviderSettings settings, LlmProperties props, ProviderTransport transport) {
        this.catalog = catalog;
        this.settings = settings;
        this.props = props;
        this.transport = transport;
        this.models = new ModelCache<>(props);
    }

    /** The streaming model for {@code modelId}; {@code credentials}: the agent's own keys ({@code openai_api_key}, ...). */
    public Target forModel(String modelId, Map<String, String> credentials) {
        ModelCatalog.Model model = catalog.find(modelId).orElseThrow(() -> new UnavailableException(catalog.problem(modelId).orElseThrow()));
        Provider provider = model.provider();
        String ownKey = credentials.get(provider.wire() + "_api_key");
        ProviderSettings.Endpoint endpoint = settings.endpoint(provider);
        if (ownKey == null && !settings.configured(provider)) {
            throw new UnavailableException("provider '" + provider.wire() + "' is not configured on this server (set GRIDDLE_" + provider.name()
                    + (provider == Provider.OLLAMA ? "_BASE_URL" : "_API_KEY") + ", or give the agent its own key)");
        }
        String apiKey = ownKey != null ? ownKey : endpoint.apiKey();
        StreamingChatModel chat = models.get(provider, endpoint.baseUrl(), apiKey, () -> build(provider, endpoint.baseUrl(), apiKey));
        return new Target(chat, model.id(), model.name(), model.contextWindow(), model.inputUsdPerMtok(), model.outputUsdPerMtok());
    }

    public Optional<String> problem(String modelId) {
        return catalog.problem(modelId);
    }

    /** A tool's JSON Schema as LangChain4j's tool specification. */
    public static ToolSpecification spec(Tool tool) {
        return Conversation.spec(tool);
    }

    public int maxToolCalls() {
        return props.maxToolCalls();
    }

    public java.time.Duration timeout() {
        return props.timeout();
    }

    public int maxOutputTokens() {
        return props.maxOutputTokens();
    }

    private StreamingChatModel build(Provider provider, String baseUrl, String apiKey) {
        return switch (provider) {
            case OPENAI -> {
                var b = OpenAiStreamingChatModel.builder().httpClientBuilder(transport.builder())
                        .apiKey(Objects.requireNonNullElse(apiKey, "none")).timeout(props.timeout());
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                yield b.build();
            }
            case ANTHROPIC -> {
                var b = AnthropicStreamingChatModel.builder().httpClientBuilder(transport.builder()).apiKey(apiKey).timeout(props.timeout())
                        .maxTokens(props.maxOutputTokens());
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                yield b.build();
            }
            case OLLAMA -> OllamaStreamingChatModel.builder().httpClientBuilder(transport.builder()).baseUrl(baseUrl)
                    .timeout(props.timeout()).build();
        };
    }
}
