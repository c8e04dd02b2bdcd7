package dev.griddle.server.knowledge;

import java.sql.Types;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code knowledge_chunks}: a document's chunks are replaced as a whole, in the ingest's transaction, and announced ({@link ChunkNotices}). */
@Repository
public class ChunkStore {

    /** A stored chunk for the preview route. */
    public record StoredChunk(UUID id, int position, List<String> headingPath, String text) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final ChunkNotices notices;

    ChunkStore(JdbcClient jdbc, JdbcTemplate template, ChunkNotices notices) {
        this.jdbc = jdbc;
        this.template = template;
        this.notices = notices;
    }

    /** Deletes the document's chunks and writes {@code chunks} in their place, carrying the document's scope. */
    void replace(DocumentRow doc, List<Chunk> chunks) {
        jdbc.sql("delete from knowledge_chunks where document_id = :doc").param("doc", doc.id()).update();
        template.batchUpdate("""
                insert into knowledge_chunks (id, document_id, org_id, scope_type, scope_id, position, heading, text)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                """, chunks, 500, (ps, c) -> {
            ps.setObject(1, UUID.randomUUID());
            ps.setObject(2, doc.id());
            ps.setObject(3, doc.orgId());
            ps.setString(4, doc.scope().type().wireName());
            ps.setObject(5, doc.scope().id(), Types.OTHER);
            ps.setInt(6, c.position());
            ps.setString(7, c.heading());
            ps.setString(8, c.text());
        });
        notices.changed(doc.id());
    }

    void deleteAll(UUID documentId) {
        jdbc.sql("delete from knowledge_chunks where document_id = :doc").param("doc", documentId).update();
        notices.changed(documentId);
    }

    List<StoredChunk> list(UUID documentId, int limit, long offset) {
        return jdbc.sql("select id, position, heading, text from knowledge_chunks where document_id = :doc order by position limit :limit offset :offset")
                .param("doc", documentId).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new StoredChunk(rs.getObject("id", UUID.class), rs.getInt("position"), Chunk.headingPath(rs.getString("heading")),
                        rs.getString("text"))).list();
    }

    long count(UUID documentId) {
        return jdbc.sql("select count(*) from knowledge_chunks where document_id = :doc").param("doc", documentId).query(Long.class).single();
    }
}
