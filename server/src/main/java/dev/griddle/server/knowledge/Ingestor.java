package dev.griddle.server.knowledge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ingests one leased document: its file is copied out of the database to a temporary file,
 * extracted and chunked outside any transaction, and then, in one transaction and only if this
 * node still holds the lease, its chunks are replaced and it becomes {@code ready} (or
 * {@code failed}, chunks removed, with the reason). Doing it again gives the same chunks, so a
 * document whose node died half-way is simply ingested again by whoever claims it next.
 */
@Component
class Ingestor {

    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

    private final DocumentStore documents;
    private final ChunkStore chunks;
    private final OriginalFiles files;
    private final TextExtractor extractor;
    private final Chunker chunker;
    private final KnowledgeProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;

    Ingestor(DocumentStore documents, ChunkStore chunks, OriginalFiles files, TextExtractor extractor, KnowledgeProperties props,
            PlatformTransactionManager transactions, Clock clock) {
        this.documents = documents;
        this.chunks = chunks;
        this.files = files;
        this.extractor = extractor;
        this.chunker = new Chunker(props.chunkChars(), props.chunkOverlap());
        this.props = props;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    void ingest(UUID id, UUID node) {
        Path file = null;
        try {
            file = Files.createTempFile("griddle-knowledge-", ".bin");
            Path target = file;
            Optional<DocumentRow> leased = tx.execute(s -> documents.lockLeased(id, node).map(d -> {
                files.copyTo(d.fileOid(), target);
                return d;
            }));
            if (leased.isEmpty()) {
                return; // deleted or replaced meanwhile, or another node took it over
            }
            DocumentRow doc = leased.get();
            if (documents.attempts(id) > props.maxAttempts()) {
                finish(doc, node, null, "ingest did not finish in " + props.maxAttempts() + " attempts (griddle.knowledge.max-attempts)");
                return;
            }
            List<Chunk> pieces;
            try {
                pieces = chunker.chunk(extractor.extract(file, doc.fileName(), doc.contentType()).blocks());
            } catch (TextExtractor.Unreadable e) {
                finish(doc, node, null, e.getMessage());
                return;
            }
            finish(doc, node, pieces, null);
        } catch (IOException e) {
            throw new UncheckedIOException("knowledge ingest of " + id + ": " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    log.warn("cannot delete temporary file {}: {}", file, e.getMessage());
                }
            }
        }
    }

    /** Ready with {@code pieces}, or failed with {@code error}; nothing happens when the lease is no longer ours. */
    private void finish(DocumentRow doc, UUID node, List<Chunk> pieces, String error) {
        tx.executeWithoutResult(s -> {
            if (documents.lockLeased(doc.id(), node).isEmpty()) {
                return;
            }
            if (pieces == null) {
                chunks.deleteAll(doc.id());
                documents.finish(doc.id(), DocumentRow.FAILED, error, 0, clock.instant());
            } else {
                chunks.replace(doc, pieces);
                documents.finish(doc.id(), DocumentRow.READY, null, pieces.size(), clock.instant());
            }
        });
        if (error != null) {
            log.warn("knowledge document {} failed: {}", doc.id(), error);
        }
    }
}
