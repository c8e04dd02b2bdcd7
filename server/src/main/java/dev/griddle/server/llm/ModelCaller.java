package dev.griddle.server.llm;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One model call with retries: a 429, a 5xx or no answer is tried again (after {@code Retry-After}
 * when the provider sent one, else exponential backoff), up to {@code griddle.llm.max-attempts};
 * any other refusal (401, 400, ...) fails at once with the provider's message.
 */
@Component
class ModelCaller {

    private static final Logger log = LoggerFactory.getLogger(ModelCaller.class);

    /** A call that failed for good. {@code retryable}: the failure was transient (the step's retry policy may try later). */
    static final class CallFailedException extends Exception {
        final boolean retryable;

        CallFailedException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }

    /** A response and the attempts it took. */
    record Reply(ChatResponse response, int attempts) {
    }

    private final LlmProperties props;
    private final JsonMapper json;

    ModelCaller(LlmProperties props, JsonMapper json) {
        this.props = props;
        this.json = json;
    }

    Reply call(ChatModel model, ChatRequest request, String modelId) throws InterruptedException, CallFailedException {
        for (int attempt = 1; ; attempt++) {
            Failure failure;
            try {
                return new Reply(model.chat(request), attempt);
            } catch (RuntimeException e) {
                failure = classify(e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during a call to " + modelId);
            }
            if (!failure.retryable() || attempt >= props.maxAttempts()) {
                String after = failure.retryable() && attempt > 1 ? " (after " + attempt + " attempts)" : "";
                throw new CallFailedException(modelId + ": " + failure.message() + after, failure.retryable());
            }
            Duration wait = delay(attempt, failure.retryAfter());
            log.info("Call to {} failed ({}); attempt {} of {} in {} ms", modelId, failure.message(), attempt + 1, props.maxAttempts(), wait.toMillis());
            Thread.sleep(wait);
        }
    }

    /** {@code Retry-After} when given (capped by max-backoff), else initial-backoff doubled per attempt. */
    Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(props.maxBackoff()) > 0 ? props.maxBackoff() : retryAfter;
        }
        long ms = props.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(ms, props.maxBackoff().toMillis()));
    }

    private record Failure(String message, boolean retryable, Duration retryAfter) {
    }

    private Failure classify(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProviderHttpClient.ProviderStatusException s) {
                int status = s.statusCode();
                boolean retryable = status == 429 || status == 408 || status >= 500;
                return new Failure("provider answered " + status + ": " + providerMessage(s.body), retryable, s.retryAfter);
            }
            if (t instanceof ProviderHttpClient.ProviderUnreachableException u) {
                return new Failure(u.getMessage(), true, null);
            }
            if (t instanceof HttpException h) {
                boolean retryable = h.statusCode() == 429 || h.statusCode() >= 500;
                return new Failure("provider answered " + h.statusCode() + ": " + providerMessage(h.getMessage()), retryable, null);
            }
        }
        return new Failure(e.getClass().getSimpleName() + ": " + e.getMessage(), false, null);
    }

    /** The provider's own words: {@code error.message} of a JSON error body, else the body (shortened). */
    private String providerMessage(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode tree = json.readTree(body);
            JsonNode error = tree.path("error");
            if (error.isString()) {
                return error.asString();
            }
            if (error.path("message").isString()) {
                return error.path("message").asString();
            }
        } catch (RuntimeException notJson) {
            // plain text
        }
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }
}
