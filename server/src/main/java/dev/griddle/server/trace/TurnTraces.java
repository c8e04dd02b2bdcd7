package dev.griddle.server.trace;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Chat-thread turns as traces: implemented by the thread feature, which owns their tables. A turn
 * is one assistant answer (trace id = the answer's message id); its calls are the model and tool
 * calls it made, in the order they ended, as recorded while it played.
 */
public interface TurnTraces {

    /**
     * One model call ({@code kind} llm, {@code name} the model id) or tool call ({@code kind} tool,
     * {@code name} the tool; {@code parent} the index in the turn's calls of the model call that
     * asked for it). {@code status}: succeeded, failed or cancelled (cut short by a stop).
     * Tokens and cost are the provider's report (0 for a call cut short and for tools);
     * {@code firstTokenMs} is how long the model took to send its first text, null without text;
     * {@code retrieval} what a tool call's knowledge search found (null for other calls).
     */
    record Call(String kind, Integer parent, String name, Instant startedAt, long durationMs, String status, String error, long inputTokens,
            long outputTokens, BigDecimal costUsd, Long firstTokenMs, boolean planReminder, JsonNode retrieval) {
        public Call {
            // stored as JSON: an absent retrieval reads back as a JSON null (or is missing in turns stored before it)
            retrieval = retrieval == null || retrieval.isNull() || retrieval.isMissingNode() ? null : retrieval;
        }
    }

    /**
     * An answer with what its trace is built from. {@code status} is the answer's own (streaming,
     * completed, stopped, failed, interrupted); {@code projectId} is its agent's, for keys limited
     * to some projects; {@code calls} is empty when read for a list.
     */
    record Turn(UUID id, UUID orgId, UUID threadId, UUID agentId, String agentName, UUID projectId, String status, String model,
            int modelCalls, long inputTokens, long outputTokens, BigDecimal costUsd, String errorCode, String errorMessage, Instant createdAt,
            Instant finishedAt, List<Call> calls) {
    }

    /** Null fields do not filter; {@code statuses} are answer statuses; {@code projectIds} null = every project. */
    record Filter(UUID threadId, UUID agentId, List<String> statuses, UUID[] projectIds) {
    }

    /** A turn's place in a list: newest first, by {@code (created_at desc, id)}. */
    record Key(UUID id, Instant createdAt) {
    }

    List<Key> keys(UUID orgId, Filter filter, int limit, long offset);

    long count(UUID orgId, Filter filter);

    /** The turns with these ids (in no order), without their calls. */
    List<Turn> list(UUID orgId, List<UUID> ids);

    /** One answer of the organization, with its calls; empty for a user message or an unknown id. */
    Optional<Turn> find(UUID orgId, UUID id);

    /** Answers (all organizations) finished after {@code (at, id)} and no later than {@code upTo}, oldest first, with their calls. */
    List<Turn> finishedAfter(Instant at, UUID id, Instant upTo, int limit);
}
