package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code evaluations}: scores attached to a trace (a run or a chat-thread answer) by people or evaluators. */
@Repository
class EvaluationStore {

    record Evaluation(UUID id, UUID traceId, String name, double score, String comment, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    EvaluationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code turn}: the trace is a chat-thread answer's (its message id), not a run's. */
    void insert(UUID orgId, Evaluation e, boolean turn) {
        jdbc.sql("""
                insert into evaluations (id, org_id, run_id, message_id, name, score, comment, created_at)
                values (:id, :org, :run, :message, :name, :score, :comment, :at)
                """).param("id", e.id()).param("org", orgId).param("run", turn ? null : e.traceId()).param("message", turn ? e.traceId() : null)
                .param("name", e.name()).param("score", e.score()).param("comment", e.comment()).param("at", ts(e.createdAt())).update();
    }

    List<Evaluation> list(UUID orgId, UUID traceId) {
        return jdbc.sql("""
                select * from evaluations where org_id = :org and (run_id = :trace or message_id = :trace) order by created_at, id
                """).param("org", orgId).param("trace", traceId)
                .query((rs, n) -> new Evaluation(rs.getObject("id", UUID.class), traceId, rs.getString("name"), rs.getDouble("score"),
                        rs.getString("comment"), instant(rs.getTimestamp("created_at"))))
                .list();
    }
}
