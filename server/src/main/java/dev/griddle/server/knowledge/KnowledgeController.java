package dev.griddle.server.knowledge;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/knowledge}: documents in (a file upload, text, or a URL fetched once), listed,
 * read, previewed as chunks, reindexed and deleted. A new document answers {@code 201} in
 * {@code processing}; ingest runs in the background. The same title and bytes again answers
 * {@code 200} with the document as it is. Visibility: {@link ScopeAccess}.
 */
@RestController
@RequestMapping("/api/v1/knowledge")
public class KnowledgeController {

    /** A text document or a URL to fetch: exactly one of {@code text} and {@code url}. */
    public record DocumentBody(String title, String text, String url, String scopeType, String scopeId, JsonNode metadata) {
    }

    private final DocumentStore documents;
    private final ChunkStore chunks;
    private final DocumentIntake intake;
    private final ScopeAccess scopes;
    private final UrlFetcher fetcher;
    private final IngestLoop loop;
    private final KnowledgeProperties props;
    private final JsonMapper json;
    private final Clock clock;

    KnowledgeController(DocumentStore documents, ChunkStore chunks, DocumentIntake intake, ScopeAccess scopes, UrlFetcher fetcher, IngestLoop loop,
            KnowledgeProperties props, JsonMapper json, Clock clock) {
        this.documents = documents;
        this.chunks = chunks;
        this.intake = intake;
        this.scopes = scopes;
        this.fetcher = fetcher;
        this.loop = loop;
        this.props = props;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping(path = "/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload a document", description = "multipart/form-data: file, scope_type (org|project|agent|runner), scope_id "
            + "(not for org), title (default: the file's name), metadata (a JSON object). Its own body limit, griddle.knowledge.max-upload-size.")
    public ResponseEntity<DocumentView> upload(Caller caller, @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "scope_type", required = false) String scopeType, @RequestParam(name = "scope_id", required = false) String scopeId,
            @RequestParam(name = "title", required = false) String title, @RequestParam(name = "metadata", required = false) String metadata) {
        FieldErrors errors = new FieldErrors();
        if (file == null || file.isEmpty()) {
            errors.add("file", file == null ? "required: the document as a multipart part named 'file'" : "is empty");
        }
        String fileName = file == null ? null : baseName(file.getOriginalFilename());
        String t = DocumentChecks.title(title == null || title.isBlank() ? fileName : title, errors);
        String meta = DocumentChecks.metadata(metadata, json, errors);
        ScopeAccess.parse(scopeType, scopeId);
        errors.throwIfAny();
        Scope scope = scopes.resolve(caller, scopeType, scopeId, true);
        Path temp = DocumentIntake.tempFile();
        try {
            file.transferTo(temp);
            return answer(intake.take(caller.orgId(), new DocumentIntake.Incoming(scope, t, "upload", null, fileName, file.getContentType(), temp, meta),
                    UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the uploaded file: " + e.getMessage(), e);
        } finally {
            DocumentIntake.delete(temp);
        }
    }

    @PostMapping
    @Operation(summary = "Add a text document or one fetched from a URL", description = "{title, text | url, scope_type, scope_id, metadata}; "
            + "a URL is fetched once, through the outbound guard.")
    public ResponseEntity<DocumentView> create(Caller caller, @RequestBody DocumentBody body) {
        FieldErrors errors = new FieldErrors();
        String t = DocumentChecks.title(body.title(), errors);
        String meta = DocumentChecks.metadata(body.metadata(), errors);
        DocumentContent.Given given = DocumentContent.check(body.text(), body.url(), props, errors);
        ScopeAccess.parse(body.scopeType(), body.scopeId());
        errors.throwIfAny();
        Scope scope = scopes.resolve(caller, body.scopeType(), body.scopeId(), true);
        return answer(intake.take(caller.orgId(), scope, t, meta, DocumentContent.read(given, fetcher), UUID.randomUUID()));
    }

    @Operation(summary = "List documents", description = "The documents of one scope (scope_type, scope_id) or of every scope the key sees, paged.")
    @GetMapping
    public PageQuery.Paged<DocumentView> list(Caller caller, PageQuery page, @RequestParam(name = "scope_type", required = false) String scopeType,
            @RequestParam(name = "scope_id", required = false) String scopeId) {
        Scope scope = null;
        if (scopeType != null || scopeId != null) {
            ScopeAccess.Named named = ScopeAccess.parse(scopeType, scopeId);
            scope = new Scope(named.type(), named.id(), null);
        }
        UUID[] projects = caller.allProjects() ? null : caller.projectIds().toArray(UUID[]::new);
        return page.result(documents.list(caller.orgId(), projects, scope, page.perPage(), page.offset()).stream()
                .map(d -> DocumentView.of(d, json)).toList(), documents.count(caller.orgId(), projects, scope));
    }

    @Operation(summary = "Get a document",
            description = "{id, title, scope_type, scope_id, status: processing|ready|failed, chunks, bytes, metadata}.")
    @GetMapping("/{id}")
    public DocumentView get(Caller caller, @PathVariable UUID id) {
        return DocumentView.of(find(caller, id), json);
    }

    @GetMapping("/{id}/chunks")
    @Operation(summary = "The document's chunks, in order", description = "{data: [{id, position, heading_path, text}], meta}")
    public PageQuery.Paged<ChunkStore.StoredChunk> chunks(Caller caller, @PathVariable UUID id, PageQuery page) {
        find(caller, id);
        return page.result(chunks.list(id, page.perPage(), page.offset()), chunks.count(id));
    }

    @PostMapping("/{id}/reindex")
    @Operation(summary = "Extract and chunk the document again from its stored file", description = "202; its chunks stay searchable until replaced.")
    ResponseEntity<DocumentView> reindex(Caller caller, @PathVariable UUID id) {
        DocumentRow doc = findForWrite(caller, id);
        documents.requeue(caller.orgId(), doc.id(), clock.instant());
        loop.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(DocumentView.of(documents.find(caller.orgId(), id).orElseThrow(), json));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete the document", description = "Its chunks leave search in the same transaction; its file is removed.")
    public ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id) {
        findForWrite(caller, id);
        documents.delete(caller.orgId(), id);
        return ResponseEntity.noContent().build();
    }

    private DocumentRow find(Caller caller, UUID id) {
        return documents.find(caller.orgId(), id).filter(d -> ScopeAccess.sees(caller, d.scope()))
                .orElseThrow(() -> ApiException.notFound("document", id));
    }

    private DocumentRow findForWrite(Caller caller, UUID id) {
        DocumentRow doc = find(caller, id);
        if (doc.scope().type() == ScopeType.ORG) {
            caller.requireAllProjects("change organization-wide knowledge");
        }
        return doc;
    }

    private ResponseEntity<DocumentView> answer(DocumentIntake.Taken taken) {
        DocumentView view = DocumentView.of(taken.document(), json);
        return taken.created() ? ResponseEntity.created(URI.create("/api/v1/knowledge/" + view.id())).body(view) : ResponseEntity.ok(view);
    }

    /** The last segment of a client's file name ({@code C:\\docs\\a.pdf} -> {@code a.pdf}), null when it has none. */
    static String baseName(String name) {
        if (name == null) {
            return null;
        }
        String n = name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).strip();
        return n.isEmpty() ? null : n.length() > DocumentChecks.MAX_TITLE ? n.substring(n.length() - DocumentChecks.MAX_TITLE) : n;
    }

}
