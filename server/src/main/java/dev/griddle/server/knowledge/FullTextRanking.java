package dev.griddle.server.knowledge;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * PostgreSQL full-text ranking: the query is read as a web search ({@code websearch_to_tsquery},
 * quotes for phrases, {@code -word} to exclude) with the 'english' configuration the chunks are
 * indexed with; its words are then alternatives rather than all required, so a question finds a
 * passage that answers it without every word of the question, and cover density
 * ({@code ts_rank_cd}, scaled to 0..1) ranks the passages that hold more of them, closer together,
 * first. Headings count more than body text (weights set in V23).
 */
@Component
class FullTextRanking implements KnowledgeRanking {

    private static final String NO_SCOPE = "00000000-0000-0000-0000-000000000000";

    private final JdbcClient jdbc;

    FullTextRanking(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<Hit> rank(Request r) {
        if (r.scopes().isEmpty()) {
            return List.of();
        }
        String[] types = r.scopes().stream().map(s -> s.type().wireName()).toArray(String[]::new);
        UUID[] ids = r.scopes().stream().map(s -> s.id() == null ? UUID.fromString(NO_SCOPE) : s.id()).toArray(UUID[]::new);
        return jdbc.sql("""
                with w as (select websearch_to_tsquery('english', :query) as q),
                     q as (select case when strpos(w.q::text, '!') > 0 then w.q else cast(replace(w.q::text, ' & ', ' | ') as tsquery) end as q from w)
                select c.id, c.document_id, d.title, c.text, c.position, c.heading, ts_rank_cd(c.tsv, q.q, 32) as score
                from knowledge_chunks c join knowledge_documents d on d.id = c.document_id, q
                where c.org_id = :org
                  and (c.scope_type, coalesce(c.scope_id, cast(:none as uuid)))
                      in (select t, i from unnest(cast(:types as text[]), cast(:ids as uuid[])) as s(t, i))
                  and c.tsv @@ q.q
                  and (cast(:docs as uuid[]) is null or c.document_id = any(cast(:docs as uuid[])))
                  and (cast(:meta as jsonb) is null or d.metadata @> cast(:meta as jsonb))
                order by score desc, c.document_id, c.position
                limit :k
                """).param("query", r.query()).param("org", r.orgId()).param("none", NO_SCOPE).param("types", types).param("ids", ids)
                .param("docs", r.documentIds() == null ? null : r.documentIds().toArray(UUID[]::new)).param("meta", r.metadata())
                .param("k", r.topK())
                .query((rs, n) -> new Hit(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class), rs.getString("title"),
                        rs.getString("text"), rs.getDouble("score"), rs.getInt("position"), Chunk.headingPath(rs.getString("heading"))))
                .list();
    }
}
