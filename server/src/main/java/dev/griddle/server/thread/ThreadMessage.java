package dev.griddle.server.thread;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One message of a thread. {@code role}: user or assistant. {@code status}: completed; for an
 * answer also streaming (being written), stopped (cut short by {@code /stop}, partial text kept),
 * failed, or interrupted (its node died while writing it; the text saved until then is kept).
 * {@code toolCalls}: {@code [{name, arguments, result | error}]} made while answering. {@code usage}:
 * an answer's tokens and cost summed over its model calls; null for a user message.
 */
record ThreadMessage(UUID id, UUID threadId, long seq, String role, String content, String status, JsonNode toolCalls, Usage usage,
        Instant createdAt) {

    /** Tokens and cost of an answer's model calls; {@code cost_usd} from the model catalog's prices. */
    record Usage(String model, int modelCalls, long inputTokens, long outputTokens, BigDecimal costUsd) {
        static final Usage NONE = new Usage(null, 0, 0, 0, BigDecimal.ZERO);

        Usage plus(String calledModel, long in, long out, BigDecimal cost) {
            return new Usage(calledModel, modelCalls + 1, inputTokens + in, outputTokens + out, costUsd.add(cost));
        }
    }
}
