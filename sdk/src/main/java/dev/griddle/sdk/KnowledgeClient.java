package dev.griddle.sdk;

import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.KnowledgeModels.Chunk;
import dev.griddle.sdk.KnowledgeModels.Connections;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.ScopeRef;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.sdk.KnowledgeModels.SearchResult;
import dev.griddle.sdk.KnowledgeModels.Upload;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/knowledge}: documents in (upload, text, URL), their chunks, search, and the scopes
 * runners and agents are connected to. A new document is {@code processing} until ingested.
 */
public final class KnowledgeClient {

    private final Transport http;

    KnowledgeClient(Transport http) {
        this.http = http;
    }

    /** Uploads a file as multipart/form-data. */
    public Document upload(Upload upload) {
        String boundary = "griddle-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, boundary, "scope_type", upload.scopeType());
        field(body, boundary, "scope_id", upload.scopeId() == null ? null : upload.scopeId().toString());
        field(body, boundary, "title", upload.title());
        field(body, boundary, "metadata", upload.metadata() == null ? null : Transport.JSON.writeValueAsString(upload.metadata()));
        if (upload.content() != null) {
            String name = upload.fileName() == null ? "file" : upload.fileName().replace("\"", "");
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: "
                    + (upload.contentType() == null ? "application/octet-stream" : upload.contentType()) + "\r\n\r\n");
            body.writeBytes(upload.content());
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        return http.callBytes("POST", "/api/v1/knowledge/upload", body.toByteArray(), "multipart/form-data; boundary=" + boundary, Document.class);
    }

    /** A text document, or one the server fetches from a URL. */
    public Document create(DocumentInput document) {
        return http.call("POST", "/api/v1/knowledge", document, Document.class);
    }

    /** The documents the key sees; {@code scopeType} null lists every scope. */
    public Page<Document> list(String scopeType, UUID scopeId, PageRequest page) {
        String query = page.query();
        if (scopeType != null) {
            query += "&scope_type=" + scopeType + (scopeId == null ? "" : "&scope_id=" + scopeId);
        }
        return http.page("/api/v1/knowledge?" + query, Document.class);
    }

    public Document get(UUID id) {
        return http.call("GET", "/api/v1/knowledge/" + id, null, Document.class);
    }

    public Page<Chunk> chunks(UUID id, PageRequest page) {
        return http.page("/api/v1/knowledge/" + id + "/chunks?" + page.query(), Chunk.class);
    }

    /** Extracts and chunks the document again from its stored file; answers with it in {@code processing}. */
    public Document reindex(UUID id) {
        return http.call("POST", "/api/v1/knowledge/" + id + "/reindex", null, Document.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/knowledge/" + id, null, Map.of());
    }

    public List<Hit> search(SearchRequest request) {
        return http.call("POST", "/api/v1/knowledge/search", request, SearchResult.class).data();
    }

    /** The scopes the owner (a runner or an agent) searches besides its own documents. */
    public List<ScopeRef> connections(Owner owner) {
        return http.call("GET", owner.path() + "/knowledge", null, Connections.class).scopes();
    }

    /** Makes {@code scopes} the owner's connected scopes (the whole list; empty connects none). */
    public List<ScopeRef> connect(Owner owner, List<ScopeRef> scopes) {
        return http.call("PUT", owner.path() + "/knowledge", new Connections(scopes), Connections.class).scopes();
    }

    private static void field(ByteArrayOutputStream body, String boundary, String name, String value) {
        if (value != null) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n");
        }
    }

    private static void write(ByteArrayOutputStream body, String text) {
        body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
