package dev.griddle.server.memory;

import static dev.griddle.server.store.Sql.instant;
import static dev.griddle.server.store.Sql.ts;

import dev.griddle.server.knowledge.vector.ScopeKey;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for {@code agent_memories}. Every read names the agent and the user ({@code user_name is not
 * distinct from :user}: no user matches only entries without one), so one user's entries never
 * reach another's search. The vector columns are the embedding loop's (knowledge's ChunkVectors).
 */
@Repository
class MemoryStore {

    private static final String COLUMNS = "id, agent_id, user_name, text, created_at, source";
    private static final String OF_USER = "agent_id = :agent and user_name is not distinct from :user";

    private final JdbcClient jdbc;

    MemoryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The index scope of an agent's entries of one user: an id derived from both, so each user's vectors are a partition of their own. */
    static ScopeKey scope(UUID orgId, UUID agentId, String user) {
        String key = agentId + "\n" + (user == null ? "" : "u:" + user);
        return ScopeKey.of(orgId, "memory", UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Inserts the entry unless the agent already holds {@code maxEntries} (counted in the same
     * statement; writers racing at the limit may each pass it once); whether it was written.
     */
    boolean insert(UUID orgId, MemoryEntry e, int maxEntries) {
        return jdbc.sql("""
                insert into agent_memories (id, org_id, agent_id, user_name, scope_id, text, source, created_at)
                select :id, :org, :agent, :user, :scope, :text, :source, :created
                where (select count(*) from agent_memories where agent_id = :agent) < :max
                """).param("id", e.id()).param("org", orgId).param("agent", e.agentId()).param("user", e.user())
                .param("scope", scope(orgId, e.agentId(), e.user()).scopeId()).param("text", e.text()).param("source", e.source())
                .param("created", ts(e.createdAt())).param("max", maxEntries).update() == 1;
    }

    /** The agent's entries, newest first; {@code allUsers} lists every user's, otherwise only {@code user}'s. */
    List<MemoryEntry> list(UUID agentId, String user, boolean allUsers, int limit, long offset) {
        return jdbc.sql("select " + COLUMNS + " from agent_memories where agent_id = :agent"
                + (allUsers ? "" : " and user_name is not distinct from :user") + " order by created_at desc, id limit :limit offset :offset")
                .param("agent", agentId).param("user", user).param("limit", limit).param("offset", offset).query(MemoryStore::entry).list();
    }

    long count(UUID agentId, String user, boolean allUsers) {
        return jdbc.sql("select count(*) from agent_memories where agent_id = :agent" + (allUsers ? "" : " and user_name is not distinct from :user"))
                .param("agent", agentId).param("user", user).query(Long.class).single();
    }

    /** The ids of the deleted entries (to announce). */
    List<UUID> delete(UUID agentId, UUID entryId) {
        return jdbc.sql("delete from agent_memories where agent_id = :agent and id = :id returning id").param("agent", agentId).param("id", entryId)
                .query(UUID.class).list();
    }

    List<UUID> deleteOfUser(UUID agentId, String user) {
        return jdbc.sql("delete from agent_memories where " + OF_USER + " returning id").param("agent", agentId).param("user", user)
                .query(UUID.class).list();
    }

    /** An entry id with its full-text score ({@code ts_rank_cd}, 0..1). */
    record Ranked(UUID id, double score) {
    }

    /**
     * The user's entries by full-text rank, best first: the query is read as a web search, its
     * words alternatives (as knowledge's full text). {@code strict}: an entry must also share at
     * least half of the query's distinct lexemes (the list fused with vectors, as knowledge's).
     */
    List<Ranked> fullText(UUID agentId, String user, String query, boolean strict, int limit) {
        return jdbc.sql("""
                with w as (select websearch_to_tsquery('english', :query) as q),
                     q as (select case when strpos(w.q::text, '!') > 0 then w.q else cast(replace(w.q::text, ' & ', ' | ') as tsquery) end as q,
                                  tsvector_to_array(to_tsvector('english', :query)) as lexemes from w)
                select m.id, ts_rank_cd(m.tsv, q.q, 32) as score from agent_memories m, q
                where m.agent_id = :agent and m.user_name is not distinct from :user and m.tsv @@ q.q
                  and (not :strict
                       or 2 * cardinality(array(select unnest(tsvector_to_array(m.tsv)) intersect select unnest(q.lexemes))) >= cardinality(q.lexemes))
                order by score desc, m.created_at desc
                limit :k
                """).param("query", query).param("agent", agentId).param("user", user).param("strict", strict).param("k", limit)
                .query((rs, n) -> new Ranked(rs.getObject("id", UUID.class), rs.getDouble("score"))).list();
    }

    /** The named entries that still exist and are the user's, by id: an index entry whose row is gone is simply not found. */
    Map<UUID, MemoryEntry> entries(UUID agentId, String user, Collection<UUID> ids) {
        Map<UUID, MemoryEntry> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        jdbc.sql("select " + COLUMNS + " from agent_memories where " + OF_USER + " and id = any(cast(:ids as uuid[]))").param("agent", agentId)
                .param("user", user).param("ids", ids.toArray(UUID[]::new)).query(MemoryStore::entry).list().forEach(e -> out.put(e.id(), e));
        return out;
    }

    /** The project of the organization's agent {@code agentId} (empty optional inside: in no project); empty when there is no such agent. */
    Optional<Optional<UUID>> agentProject(UUID orgId, UUID agentId) {
        return jdbc.sql("select project_id from agents where org_id = :org and id = :id").param("org", orgId).param("id", agentId)
                .query((rs, n) -> Optional.ofNullable(rs.getObject("project_id", UUID.class))).optional();
    }

    Optional<Boolean> autoIndexTurns(UUID orgId, UUID agentId) {
        return jdbc.sql("select memory_auto_index_turns from agents where org_id = :org and id = :id").param("org", orgId).param("id", agentId)
                .query(Boolean.class).optional();
    }

    void setAutoIndexTurns(UUID orgId, UUID agentId, boolean on) {
        jdbc.sql("update agents set memory_auto_index_turns = :on where org_id = :org and id = :id").param("on", on).param("org", orgId)
                .param("id", agentId).update();
    }

    private static MemoryEntry entry(ResultSet rs, int n) throws SQLException {
        return new MemoryEntry(rs.getObject("id", UUID.class), rs.getObject("agent_id", UUID.class), rs.getString("user_name"), rs.getString("text"),
                instant(rs.getTimestamp("created_at")), rs.getString("source"));
    }
}
