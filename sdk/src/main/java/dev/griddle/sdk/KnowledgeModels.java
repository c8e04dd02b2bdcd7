package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Knowledge documents, their chunks and search. */
public final class KnowledgeModels {

    private KnowledgeModels() {
    }

    /** {@code status}: processing, ready or failed (then {@code error} says why); {@code scopeType}: org, project, agent or runner. */
    public record Document(UUID id, String title, int version, String scopeType, UUID scopeId, String status, String error, int chunks, long bytes,
            String source, String sourceUrl, String fileName, String contentType, String contentHash, Map<String, Object> metadata,
            Instant createdAt, Instant updatedAt) {
    }

    /** A text document ({@code text}) or one fetched from {@code url}. */
    public record DocumentInput(String title, String text, String url, String scopeType, UUID scopeId, Map<String, Object> metadata) {
        public static DocumentInput text(String title, String text, String scopeType, UUID scopeId) {
            return new DocumentInput(title, text, null, scopeType, scopeId, null);
        }

        public static DocumentInput url(String title, String url, String scopeType, UUID scopeId) {
            return new DocumentInput(title, null, url, scopeType, scopeId, null);
        }

        public DocumentInput withMetadata(Map<String, Object> metadata) {
            return new DocumentInput(title, text, url, scopeType, scopeId, metadata);
        }
    }

    /** Where an upload goes and what it is called; {@code metadata} is sent as a JSON object. */
    public record Upload(String fileName, byte[] content, String contentType, String title, String scopeType, UUID scopeId,
            Map<String, Object> metadata) {
        public static Upload of(String fileName, byte[] content, String scopeType, UUID scopeId) {
            return new Upload(fileName, content, null, null, scopeType, scopeId, null);
        }

        public Upload titled(String title) {
            return new Upload(fileName, content, contentType, title, scopeType, scopeId, metadata);
        }

        public Upload withMetadata(Map<String, Object> metadata) {
            return new Upload(fileName, content, contentType, title, scopeType, scopeId, metadata);
        }
    }

    public record Chunk(UUID id, int position, List<String> headingPath, String text) {
    }

    public record SearchFilter(List<UUID> documentIds, Map<String, Object> metadata) {
    }

    public record SearchRequest(String query, String scopeType, UUID scopeId, Integer topK, SearchFilter filter) {
        public static SearchRequest of(String query, String scopeType, UUID scopeId) {
            return new SearchRequest(query, scopeType, scopeId, null, null);
        }

        public SearchRequest topK(int k) {
            return new SearchRequest(query, scopeType, scopeId, k, filter);
        }

        public SearchRequest filter(SearchFilter f) {
            return new SearchRequest(query, scopeType, scopeId, topK, f);
        }
    }

    /** A ranked chunk: {@code position} is its place in the document. */
    public record Hit(UUID documentId, String title, String text, double score, int position, List<String> headingPath, UUID chunkId) {
    }

    public record SearchResult(List<Hit> data) {
    }

    /** A scope a runner or agent is connected to; {@code scopeId} null for {@code org}. */
    public record ScopeRef(String scopeType, UUID scopeId) {
        public static ScopeRef org() {
            return new ScopeRef("org", null);
        }

        public static ScopeRef project(UUID id) {
            return new ScopeRef("project", id);
        }

        public static ScopeRef agent(UUID id) {
            return new ScopeRef("agent", id);
        }

        public static ScopeRef runner(UUID id) {
            return new ScopeRef("runner", id);
        }
    }

    /** The body and answer of {@code GET/PUT .../knowledge}: the scopes searched besides the owner's own documents. */
    public record Connections(List<ScopeRef> scopes) {
    }
}
