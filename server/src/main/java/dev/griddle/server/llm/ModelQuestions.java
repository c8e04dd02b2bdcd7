package dev.griddle.server.llm;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * One question to a catalog model outside any run (an experiment's {@code llm_judge}), through the
 * same provider settings, transport and retries as the {@code llm} step. Not recorded, not budgeted
 * by a runner: the caller accounts for the cost it is told.
 */
@Component
public class ModelQuestions {

    /** The model's text and what the call cost. */
    public record Answer(String text, long inputTokens, long outputTokens, BigDecimal costUsd) {
    }

    /** The question could not be asked or answered; the message says why (unknown model, provider refusal). */
    public static final class QuestionFailed extends Exception {
        QuestionFailed(String message) {
            super(message);
        }
    }

    private final ModelCatalog catalog;
    private final ChatModels chatModels;
    private final ModelCaller caller;

    ModelQuestions(ModelCatalog catalog, ChatModels chatModels, ModelCaller caller) {
        this.catalog = catalog;
        this.chatModels = chatModels;
        this.caller = caller;
    }

    /** Why {@code modelId} cannot be asked, or empty when it is in the catalog. */
    public Optional<String> problem(String modelId) {
        return catalog.problem(modelId);
    }

    public Answer ask(String modelId, String prompt) throws QuestionFailed, InterruptedException {
        ModelCatalog.Model model = catalog.find(modelId).orElseThrow(() -> new QuestionFailed("unknown model '" + modelId + "'"));
        ChatResponse response;
        try {
            ChatRequest request = ChatRequest.builder().messages(UserMessage.from(prompt)).modelName(model.name()).build();
            response = caller.call(chatModels.forModel(model, null), request, modelId).response();
        } catch (ModelCaller.CallFailedException | ChatModels.NotConfiguredException e) {
            throw new QuestionFailed(e.getMessage());
        }
        TokenUsage tokens = response.tokenUsage();
        long in = tokens == null || tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        long out = tokens == null || tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        return new Answer(text == null ? "" : text, in, out, model.cost(in, out));
    }
}
