package dev.griddle.server.thread;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.trace.TurnTraces;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * SQL for the running turn of a thread ({@code threads.turn_id}, {@code turn_node},
 * {@code turn_heartbeat_at}) and for what a turn writes to its answer while it runs. A claim is one
 * conditional update, so two nodes can never both hold a thread.
 */
@Repository
class TurnStore {

    /** The turn a thread is playing: which node plays it, and when that node last said so. */
    record Running(UUID turnId, String node, Instant heartbeatAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    TurnStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Claims the thread for {@code turn} when no turn holds it or the one holding it was last stamped before {@code staleBefore}. */
    boolean claim(UUID orgId, UUID threadId, UUID turn, String node, Instant now, Instant staleBefore) {
        return jdbc.sql("""
                update threads set turn_id = :turn, turn_node = :node, turn_heartbeat_at = :now
                where org_id = :org and id = :thread and (turn_id is null or turn_heartbeat_at < :stale)
                """).param("turn", turn).param("node", node).param("now", ts(now)).param("org", orgId).param("thread", threadId)
                .param("stale", ts(staleBefore)).update() == 1;
    }

    /** Within a claim: an answer still {@code streaming} belongs to a turn that is gone, so it is marked {@code interrupted}. */
    int interruptOrphans(UUID orgId, UUID threadId, Instant now) {
        return jdbc.sql("""
                update thread_messages set status = 'interrupted', finished_at = :now
                where org_id = :org and thread_id = :thread and status = 'streaming'
                """).param("now", ts(now)).param("org", orgId).param("thread", threadId).update();
    }

    /** Lets go of the thread, if {@code turn} still holds it; stamps the thread's {@code updated_at}. */
    void release(UUID threadId, UUID turn, Instant now) {
        jdbc.sql("""
                update threads set turn_id = null, turn_node = null, turn_heartbeat_at = null, updated_at = :now
                where id = :thread and turn_id = :turn
                """).param("now", ts(now)).param("thread", threadId).param("turn", turn).update();
    }

    Optional<Running> running(UUID orgId, UUID threadId) {
        return jdbc.sql("select turn_id, turn_node, turn_heartbeat_at from threads where org_id = :org and id = :thread and turn_id is not null")
                .param("org", orgId).param("thread", threadId)
                .query((rs, n) -> new Running(rs.getObject("turn_id", UUID.class), rs.getString("turn_node"),
                        instant(rs.getTimestamp("turn_heartbeat_at"))))
                .optional();
    }

    /** Stamps this node's turns; returns the ones it still holds (a turn taken over meanwhile is missing). */
    List<UUID> heartbeat(String node, Collection<UUID> turns, Instant now) {
        if (turns.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("update threads set turn_heartbeat_at = :now where turn_node = :node and turn_id = any(:turns) returning turn_id")
                .param("now", ts(now)).param("node", node).param("turns", turns.toArray(UUID[]::new)).query(UUID.class).list();
    }

    /**
     * Saves the text and calls an answer has so far, so that a crash loses at most one heartbeat's
     * worth. Calls are only ever appended, so a save that lost a race with a newer one (the turn's
     * own, after a model call) does not put back a shorter list.
     */
    void savePartial(UUID messageId, String content, List<TurnTraces.Call> calls) {
        jdbc.sql("""
                update thread_messages set content = :content,
                       trace = case when jsonb_array_length(trace) <= :n then cast(:trace as jsonb) else trace end
                where id = :id and status = 'streaming'
                """).param("content", content).param("n", calls.size()).param("trace", json.writeValueAsString(calls)).param("id", messageId)
                .update();
    }

    /** Adds one model call's usage to an answer, with the calls the turn made so far (the last one being this model call). */
    void addUsage(UUID messageId, String model, long inputTokens, long outputTokens, BigDecimal costUsd, List<TurnTraces.Call> calls) {
        jdbc.sql("""
                update thread_messages set model = :model, model_calls = model_calls + 1, input_tokens = input_tokens + :in,
                       output_tokens = output_tokens + :out, cost_usd = cost_usd + :cost,
                       trace = case when jsonb_array_length(trace) <= :n then cast(:trace as jsonb) else trace end
                where id = :id
                """).param("model", model).param("in", inputTokens).param("out", outputTokens).param("cost", costUsd).param("n", calls.size())
                .param("trace", json.writeValueAsString(calls)).param("id", messageId)
                .update();
    }

    /**
     * Takes over the turns of every node (all organizations: this is housekeeping, like the engine's
     * lease reaper) last stamped before {@code staleBefore}, and those of {@code node} stamped before
     * {@code bootAt} (a restarted node's own, left by its previous life): frees their threads and
     * marks their answers {@code interrupted}. Returns how many answers were marked.
     */
    int takeOver(Instant staleBefore, String node, Instant bootAt, Instant now) {
        return jdbc.sql("""
                with gone as (
                    update threads set turn_id = null, turn_node = null, turn_heartbeat_at = null
                    where turn_id is not null and (turn_heartbeat_at < :stale or (turn_node = cast(:node as text) and turn_heartbeat_at < :boot))
                    returning id
                )
                update thread_messages m set status = 'interrupted', finished_at = :now
                from gone where m.thread_id = gone.id and m.status = 'streaming'
                """).param("stale", ts(staleBefore)).param("node", node).param("boot", ts(bootAt)).param("now", ts(now))
                .update();
    }
}
