package dev.griddle.server.knowledge;

import dev.griddle.server.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Takes a new document in: one transaction stores the original bytes and the row in
 * {@code processing}, for the ingest loop. The same title in the same scope replaces the
 * document (the old version, its chunks and file go in the same transaction; the new one is
 * version + 1); the same title with the same bytes (SHA-256) is the same document, returned as it
 * is (its metadata updated). Refused before anything is stored: a ZIP bomb, and bytes that would
 * take the organization past {@code storage-quota} (the organization's writes are serialized
 * for that check by an advisory lock).
 */
@Component
class DocumentIntake {

    /** A document to take in; {@code file} holds its bytes and stays the caller's to delete. */
    record Incoming(Scope scope, String title, String source, String sourceUrl, String fileName, String contentType, Path file, String metadata) {
    }

    /** The stored document, and whether this call created it (false: the same content was already there). */
    record Taken(DocumentRow document, boolean created) {
    }

    private final DocumentStore documents;
    private final OriginalFiles files;
    private final KnowledgeProperties props;
    private final TransactionTemplate tx;
    private final IngestLoop loop;
    private final Clock clock;
    private final JsonMapper json;

    DocumentIntake(DocumentStore documents, OriginalFiles files, KnowledgeProperties props, PlatformTransactionManager transactions,
            IngestLoop loop, Clock clock, JsonMapper json) {
        this.documents = documents;
        this.files = files;
        this.props = props;
        this.tx = new TransactionTemplate(transactions);
        this.loop = loop;
        this.clock = clock;
        this.json = json;
    }

    /** Takes in a document given as text or a URL ({@link DocumentContent}); a new document gets {@code newId}. */
    Taken take(UUID orgId, Scope scope, String title, String metadata, DocumentContent content, UUID newId) {
        Path temp = tempFile();
        try {
            Files.write(temp, content.bytes());
            return take(orgId, new Incoming(scope, title, content.source(), content.sourceUrl(), content.fileName(), content.contentType(), temp, metadata),
                    newId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the document's bytes: " + e.getMessage(), e);
        } finally {
            delete(temp);
        }
    }

    /** Takes in a document from its bytes in {@code in.file()}; a new document (not the same content again) gets {@code newId}. */
    Taken take(UUID orgId, Incoming in, UUID newId) {
        ZipGuard.check(in.file(), props.maxCompressionRatio());
        long size;
        String hash;
        try {
            size = Files.size(in.file());
            hash = sha256(in.file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded file: " + e.getMessage(), e);
        }
        Taken taken = tx.execute(status -> {
            documents.lockQuota(orgId);
            Optional<DocumentRow> existing = documents.lockByTitle(orgId, in.scope(), in.title());
            Instant now = clock.instant();
            if (existing.isPresent() && existing.get().contentHash().equals(hash) && !existing.get().status().equals(DocumentRow.FAILED)) {
                DocumentRow same = existing.get();
                if (!Objects.equals(json.readTree(same.metadata()), json.readTree(in.metadata()))) {
                    documents.updateMetadata(orgId, same.id(), in.metadata(), now);
                }
                return new Taken(documents.find(orgId, same.id()).orElseThrow(), false);
            }
            long used = documents.usedBytes(orgId) - existing.map(DocumentRow::bytes).orElse(0L);
            long quota = props.storageQuota().toBytes();
            if (used + size > quota) {
                throw ApiException.validation("KNOWLEDGE_QUOTA_EXCEEDED", "The organization's knowledge would take " + (used + size)
                        + " bytes, over its quota of " + quota + " (griddle.knowledge.storage-quota); delete documents first",
                        Map.of("quota_bytes", quota, "used_bytes", used, "document_bytes", size));
            }
            long oid;
            try (InputStream bytes = Files.newInputStream(in.file())) {
                oid = files.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            existing.ifPresent(old -> documents.delete(orgId, old.id()));
            int version = existing.map(d -> d.version() + 1).orElse(1);
            DocumentRow row = new DocumentRow(newId, orgId, in.scope(), in.title(), version, DocumentRow.PROCESSING, null, in.source(),
                    in.sourceUrl(), in.fileName(), in.contentType(), hash, size, oid, in.metadata(), 0, now, now);
            documents.insert(row, now);
            return new Taken(documents.find(orgId, row.id()).orElseThrow(), true);
        });
        if (taken.created()) {
            loop.wake();
        }
        return taken;
    }

    static Path tempFile() {
        try {
            return Files.createTempFile("griddle-upload-", ".bin");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file: " + e.getMessage(), e);
        }
    }

    static void delete(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // the temporary directory's own cleanup takes it
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
