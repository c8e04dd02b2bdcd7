package dev.griddle.server.knowledge;

import dev.griddle.server.knowledge.vector.ScopeKey;
import dev.griddle.server.knowledge.vector.VectorRow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SQL for the vector columns of {@code knowledge_chunks} and of {@code agent_memories} (an agent's
 * memory entries are embedded and indexed like chunks: each is its own "document" of one row, in
 * scope {@code memory}): the rows still to embed (no vector, or one of another model), storing a
 * vector with the model that made it, and reading vectors back for the index (one document's, or
 * all of them streamed through a cursor for a rebuild, so 100,000 rows never sit in one result set).
 */
@Repository
class ChunkVectors {

    /** A chunk (or, {@code memory}, a memory entry) to embed: what the embedder reads is its heading path and text. */
    record Pending(UUID id, UUID documentId, String heading, String text, boolean memory) {
        String embeddedText() {
            return heading.isBlank() ? text : heading.replace("\n", " / ") + "\n" + text;
        }
    }

    private static final int FETCH_SIZE = 500;
    private static final String ROW = """
            select id, document_id, org_id, scope_type, scope_id, embedding, embedding_model from knowledge_chunks
            union all select id, id, org_id, 'memory', scope_id, embedding, embedding_model from agent_memories
            """;

    private final JdbcClient jdbc;
    /** Its own template: a fetch size makes PostgreSQL stream through a cursor (inside a transaction). */
    private final JdbcTemplate template;
    private final TransactionTemplate readOnly;

    ChunkVectors(JdbcClient jdbc, JdbcTemplate template, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.template = new JdbcTemplate(template.getDataSource());
        this.template.setFetchSize(FETCH_SIZE);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Up to {@code max} chunks without a vector of {@code modelId}, locked until the transaction
     * ends (other nodes skip them, so no chunk is embedded twice at once). "Another model" is
     * spelled as two ranges so that the index on {@code embedding_model} answers it (V30); a
     * chunk's {@code embedding_model} is null exactly while it has no vector nor refusal.
     */
    List<Pending> lockPending(String modelId, int max) {
        List<Pending> out = new ArrayList<>(jdbc.sql("""
                select id, document_id, heading, text from knowledge_chunks
                where embedding_model is null or embedding_model < :model or embedding_model > :model
                order by document_id, position limit :max for update skip locked
                """).param("model", modelId).param("max", max)
                .query((rs, n) -> new Pending(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class), rs.getString("heading"),
                        rs.getString("text"), false)).list());
        if (out.size() < max) {
            out.addAll(jdbc.sql("""
                    select id, text from agent_memories where embedding_model is null or embedding_model < :model or embedding_model > :model
                    order by created_at limit :max for update skip locked
                    """).param("model", modelId).param("max", max - out.size())
                    .query((rs, n) -> new Pending(rs.getObject("id", UUID.class), rs.getObject("id", UUID.class), "", rs.getString("text"), true))
                    .list());
        }
        return out;
    }

    void store(Pending row, byte[] embedding, String modelId) {
        jdbc.sql("update " + table(row) + " set embedding = :e, embedding_model = :model, embedding_error = null where id = :id")
                .param("e", embedding).param("model", modelId).param("id", row.id()).update();
    }

    /** Marks a row the model refused: no vector, and not asked for again until the model changes or the document is reindexed. */
    void reject(Pending row, String modelId, String error) {
        jdbc.sql("update " + table(row) + " set embedding = null, embedding_model = :model, embedding_error = :error where id = :id")
                .param("model", modelId).param("error", error.length() > 1000 ? error.substring(0, 1000) : error).param("id", row.id()).update();
    }

    /** Chunks {@code modelId} refused, for the documentation's figures and the tests. */
    long rejectedCount(String modelId) {
        return jdbc.sql("select count(*) from knowledge_chunks where embedding_model = :model and embedding is null").param("model", modelId)
                .query(Long.class).single();
    }

    /** The document's chunks that hold a vector of {@code modelId} now (none once it is deleted). */
    List<VectorRow> rowsOf(UUID documentId, String modelId) {
        return jdbc.sql("select * from (" + ROW + ") r where document_id = :doc and embedding_model = :model and embedding is not null")
                .param("doc", documentId).param("model", modelId)
                .query(ChunkVectors::row).list();
    }

    /** Every chunk with a vector of {@code modelId}, to {@code sink}, through a cursor in one read-only transaction. */
    void streamAll(String modelId, Consumer<Stream<VectorRow>> sink) {
        readOnly.executeWithoutResult(s -> {
            try (Stream<VectorRow> rows = template.queryForStream("select * from (" + ROW + ") r where embedding_model = ? and embedding is not null",
                    ChunkVectors::row, modelId)) {
                sink.accept(rows);
            }
        });
    }

    /** Chunks and memory entries still waiting for a vector of {@code modelId}, for the documentation's figures and the tests. */
    long pendingCount(String modelId) {
        return jdbc.sql("""
                select (select count(*) from knowledge_chunks where embedding_model is null or embedding_model <> :model)
                     + (select count(*) from agent_memories where embedding_model is null or embedding_model <> :model)
                """).param("model", modelId).query(Long.class).single();
    }

    private static String table(Pending row) {
        return row.memory() ? "agent_memories" : "knowledge_chunks";
    }

    private static VectorRow row(ResultSet rs, int n) throws SQLException {
        UUID org = rs.getObject("org_id", UUID.class);
        ScopeKey scope = ScopeKey.of(org, rs.getString("scope_type"), rs.getObject("scope_id", UUID.class));
        return VectorRow.fromStored(rs.getObject("id", UUID.class), rs.getObject("document_id", UUID.class), scope, rs.getBytes("embedding"));
    }
}
