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
    private final int rankLimit;

    RankingSql(JdbcClient jdbc, KnowledgeProperties props) {
        this.jdbc = jdbc;
        this.rankLimit = props.fullTextRankLimit();
    }

    /**
     * Chunk ids by {@code ts_rank_cd}, best first: any of the query's words may match (a web
     * search query; with a {@code -word} exclusion or a quoted phrase, it is taken as it is: all
     * required), and a chunk must hold at least half of the query's distinct lexemes, asked of
     * the GIN index as one tsquery ({@link MinimumMatch}), or checked row by row for questions of
     * more words than it takes. At most {@code full-text-rank-limit} matches are ranked: for a
     * question of words most chunks hold, the list is the best of the first matches found, not of all
     * (the vector list carries such questions; ranking every match costs about 20 µs a chunk).
     */
    List<UUID> strictFullText(KnowledgeRanking.Request r, int limit) {
        Parsed parsed = parse(r.query());
        if (parsed.web().isBlank()) {
            return List.of(); // nothing but stop words
        }
        boolean strict = parsed.web().contains("!") || parsed.web().contains("<");
        String match = strict ? parsed.web() : MinimumMatch.of(parsed.lexemes());
        if (match != null) {
            return params(jdbc.sql("""
                    select m.id from (
                        select c.id, c.tsv, c.document_id, c.position from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
                        where c.tsv @@ cast(:match as tsquery)
                          and""" + FILTERS + """
                        limit :ranked) m
                    order by ts_rank_cd(m.tsv, cast(:rank as tsquery), 32) desc, m.document_id, m.position
                    limit :k
                    """), r).param("match", match).param("rank", strict ? parsed.web() : MinimumMatch.any(parsed.lexemes()))
                    .param("ranked", rankLimit).param("k", limit).query(UUID.class).list();
        }
        return params(jdbc.sql("""
                select m.id from (
                    select c.id, c.tsv, c.document_id, c.position from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
                    where c.tsv @@ cast(:any as tsquery)
                      and 2 * cardinality(array(select unnest(tsvector_to_array(c.tsv)) intersect select unnest(cast(:lexemes as text[]))))
                          >= cardinality(cast(:lexemes as text[]))
                      and""" + FILTERS + """
                    limit :ranked) m
                order by ts_rank_cd(m.tsv, cast(:any as tsquery), 32) desc, m.document_id, m.position
                limit :k
                """), r).param("any", MinimumMatch.any(parsed.lexemes())).param("lexemes", parsed.lexemes().toArray(String[]::new))
                .param("ranked", rankLimit).param("k", limit).query(UUID.class).list();
    }

    /** The query as PostgreSQL's web search reads it, and its distinct lexemes in the order they come. */
    private record Parsed(String web, List<String> lexemes) {
    }

    private Parsed parse(String query) {
        return jdbc.sql("""
                select cast(websearch_to_tsquery('english', :q) as text) as web,
                       array(select lexeme from unnest(to_tsvector('english', :q)) order by positions[1], lexeme) as lexemes
                """).param("q", query).query((rs, n) -> new Parsed(rs.getString("web"), List.of((String[]) rs.getArray("lexemes").getArray())))
                .single();
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
