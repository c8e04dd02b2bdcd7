package dev.griddle.server.trace;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code evaluations}: scores attached to a trace by people or evaluators. */
@Repository
class EvaluationStore {

    record Evaluation(UUID id, UUID traceId, String name, double score, String comment, Instant createdAt) {
    }

    private final JdbcClient jdbc;

    EvaluationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID orgId, Evaluation e) {
        jdbc.sql("""
                insert into evaluations (id, org_id, run_id, name, score, comment, created_at)
                values (:id, :org, :run, :name, :score, :comment, :at)
                """).param("id", e.id()).param("org", orgId).param("run", e.traceId()).param("name", e.name()).param("score", e.score())
                .param("comment", e.comment()).param("at", ts(e.createdAt())).update();
    }

    List<Evaluation> list(UUID orgId, UUID runId) {
        return jdbc.sql("select * from evaluations where org_id = :org and run_id = :run order by created_at, id")
                .param("org", orgId).param("run", runId)
                .query((rs, n) -> new Evaluation(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class), rs.getString("name"),
                        rs.getDouble("score"), rs.getString("comment"), instant(rs.getTimestamp("created_at"))))
                .list();
    }
}
