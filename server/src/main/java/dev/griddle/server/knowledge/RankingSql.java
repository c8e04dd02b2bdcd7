package dev.griddle.server.knowledge;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The SQL of hybrid search: the strict full-text list (a chunk must share at least half of the
 * question's words, see {@link HybridRanking}), the documents a metadata filter admits (so the
 * vector scan is narrowed before it runs, not its results after), and reading the chunks a fused
 * ranking names, with every filter of the request applied again: an index entry whose chunk is
 * gone (deleted on another node a moment ago, or with its project) is simply not found.
 */
@Repository
class RankingSql {

    /** Stands for an org scope's missing id in (type, id) pairs. */
    static final String NO_SCOPE = "00000000-0000-0000-0000-000000000000";
    private static final String FILTERS = """
              c.org_id = :org
              and (c.scope_type, coalesce(c.scope_id, cast(:none as uuid)))
                  in (select t, i from unnest(cast(:types as text[]), cast(:ids as uuid[])) as s(t, i))
              and (cast(:docs as uuid[]) is null or c.document_id = any(cast(:docs as uuid[])))
              and (cast(:meta as jsonb) is null or d.metadata @> cast(:meta as jsonb))
            """;

    private final JdbcClient jdbc;

    RankingSql(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Chunk ids by {@code ts_rank_cd}, best first: any of the query's words may match (a web
     * search query; with a {@code -word} exclusion its words are all required), and a chunk must
     * hold at least half of the query's distinct lexemes.
     */
    List<UUID> strictFullText(KnowledgeRanking.Request r, int limit) {
        return params(jdbc.sql("""
                with w as (select websearch_to_tsquery('english', :query) as q),
                     q as (select case when strpos(w.q::text, '!') > 0 then w.q else cast(replace(w.q::text, ' & ', ' | ') as tsquery) end as q,
                                  tsvector_to_array(to_tsvector('english', :query)) as lexemes from w)
                select c.id from knowledge_chunks c join knowledge_documents d on d.id = c.document_id, q
                where c.tsv @@ q.q
                  and 2 * cardinality(array(select unnest(tsvector_to_array(c.tsv)) intersect select unnest(q.lexemes))) >= cardinality(q.lexemes)
                  and""" + FILTERS + """
                order by ts_rank_cd(c.tsv, q.q, 32) desc, c.document_id, c.position
                limit :k
                """), r).param("query", r.query()).param("k", limit).query(UUID.class).list();
    }

    /** The documents in the request's scopes whose metadata holds the request's filter (and in its document filter, if any). */
    Set<UUID> documentsMatchingMetadata(KnowledgeRanking.Request r) {
        return Set.copyOf(params(jdbc.sql("""
                select d.id from knowledge_documents d join lateral (select d.org_id, d.scope_type, d.scope_id, d.id as document_id) c on true
                where""" + FILTERS), r).query(UUID.class).list());
    }

    /** The named chunks that still exist and pass every filter of the request, by id. */
    Map<UUID, KnowledgeRanking.Hit> chunks(KnowledgeRanking.Request r, Collection<UUID> chunkIds) {
        Map<UUID, KnowledgeRanking.Hit> out = new HashMap<>();
        if (chunkIds.isEmpty()) {
            return out;
        }
        params(jdbc.sql("""
                select c.id, c.document_id, d.title, c.text, c.position, c.heading
                from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
                where c.id = any(cast(:chunks as uuid[])) and""" + FILTERS), r).param("chunks", chunkIds.toArray(UUID[]::new))
                .query((rs, n) -> new KnowledgeRanking.Hit(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class),
                        rs.getString("title"), rs.getString("text"), 0, rs.getInt("position"), Chunk.headingPath(rs.getString("heading"))))
                .list().forEach(h -> out.put(h.chunkId(), h));
        return out;
    }

    private static JdbcClient.StatementSpec params(JdbcClient.StatementSpec spec, KnowledgeRanking.Request r) {
        String[] types = r.scopes().stream().map(s -> s.type().wireName()).toArray(String[]::new);
        UUID[] ids = r.scopes().stream().map(s -> s.id() == null ? UUID.fromString(NO_SCOPE) : s.id()).toArray(UUID[]::new);
        return spec.param("org", r.orgId()).param("none", NO_SCOPE).param("types", types).param("ids", ids)
                .param("docs", r.documentIds() == null ? null : r.documentIds().toArray(UUID[]::new)).param("meta", r.metadata());
    }
}
