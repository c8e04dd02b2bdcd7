package dev.griddle.server.knowledge;

import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.llm.Connections;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SQL for {@code connection_knowledge}: the scopes a runner or an agent is connected to. Each link
 * is read with its scope's owner project as it is now (an agent moved to another project takes
 * the project along), so the caller can check it against the owner's project at the time of use.
 */
@Repository
class KnowledgeConnectionStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    KnowledgeConnectionStore(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
    }

    /** The connected scopes of an owner ({@code runner} or {@code agent}), in the order they were put. */
    List<Scope> connected(UUID orgId, String ownerKind, UUID ownerId) {
        return jdbc.sql("""
                select c.scope_type, c.scope_id, coalesce(c.scope_project_id, a.project_id, r.project_id) as owner_project
                from connection_knowledge c
                left join agents a on a.id = c.scope_agent_id
                left join runners r on r.id = c.scope_runner_id
                where c.org_id = :org and c.%s = :owner order by c.position
                """.formatted(Connections.ownerColumn(ownerKind))).param("org", orgId).param("owner", ownerId)
                .query((rs, n) -> new Scope(ScopeType.parse(rs.getString("scope_type")), rs.getObject("scope_id", UUID.class),
                        rs.getObject("owner_project", UUID.class))).list();
    }

    /**
     * Makes {@code scopes} the owner's connected scopes, in one transaction that first locks the
     * owner's row, so two concurrent puts leave one of the two lists whole.
     */
    void replace(UUID orgId, String ownerKind, UUID ownerId, List<Scope> scopes, Instant now) {
        String column = Connections.ownerColumn(ownerKind);
        tx.executeWithoutResult(status -> {
            jdbc.sql("select id from %s where org_id = :org and id = :owner for no key update".formatted("runner".equals(ownerKind) ? "runners" : "agents"))
                    .param("org", orgId).param("owner", ownerId).query(UUID.class).optional();
            jdbc.sql("delete from connection_knowledge where org_id = :org and %s = :owner".formatted(column)).param("org", orgId).param("owner", ownerId)
                    .update();
            for (int i = 0; i < scopes.size(); i++) {
                Scope s = scopes.get(i);
                jdbc.sql("""
                        insert into connection_knowledge (org_id, %s, position, scope_type, scope_project_id, scope_agent_id, scope_runner_id, created_at)
                        values (:org, :owner, :position, :type, :project, :agent, :runner, :now)
                        """.formatted(column)).param("org", orgId).param("owner", ownerId).param("position", i).param("type", s.type().wireName())
                        .param("project", s.type() == ScopeType.PROJECT ? s.id() : null, Types.OTHER)
                        .param("agent", s.type() == ScopeType.AGENT ? s.id() : null, Types.OTHER)
                        .param("runner", s.type() == ScopeType.RUNNER ? s.id() : null, Types.OTHER).param("now", ts(now)).update();
            }
        });
    }
}
