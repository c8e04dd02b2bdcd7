package dev.griddle.server.console;

import dev.griddle.server.knowledge.ChunkStore;
import dev.griddle.server.knowledge.DocumentView;
import dev.griddle.server.knowledge.KnowledgeController;
import dev.griddle.server.knowledge.KnowledgeProperties;
import dev.griddle.server.knowledge.KnowledgeSearchController;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RoleRules;
import dev.griddle.server.web.StreamedUpload;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.multipart.MultipartFile;

/**
 * The console's knowledge: the documents the key sees (every scope, or one: the organization, a
 * project, an agent, a runner) with their status, an upload form and a text form, delete, a
 * document's chunks, and a search box whose hits cite their document, position and headings.
 * Every read and write goes through the knowledge API's own controller methods, as the signed-in
 * key, after the API's role rule for the route the action stands for.
 */
@Hidden
@Controller
public class ConsoleKnowledge {

    static final String UPLOAD = "/console/knowledge/upload";

    private final ConsolePages pages;
    private final KnowledgeController documents;
    private final KnowledgeSearchController search;
    private final int pageSize;

    ConsoleKnowledge(ConsolePages pages, KnowledgeController documents, KnowledgeSearchController search, ConsoleProperties props) {
        this.pages = pages;
        this.documents = documents;
        this.search = search;
        this.pageSize = props.pageSize();
    }

    /** The console's upload takes files up to the API's own limit, {@code griddle.knowledge.max-upload-size}. */
    @Bean
    static StreamedUpload consoleKnowledgeUpload(KnowledgeProperties props) {
        return new StreamedUpload() {
            @Override
            public String path() {
                return UPLOAD;
            }

            @Override
            public long maxBytes() {
                return props.maxUploadSize().toBytes();
            }
        };
    }

    @GetMapping("/console/knowledge")
    ResponseEntity<String> list(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(name = "scope_type", required = false) String scopeType, @RequestParam(name = "scope_id", required = false) String scopeId,
            @RequestParam(required = false) String q, @RequestParam(name = "top_k", defaultValue = "5") int topK,
            @RequestParam(defaultValue = "1") int page) {
        Caller caller = session.caller();
        String type = blank(scopeType);
        String id = blank(scopeId);
        PageQuery query = new PageQuery(Math.max(1, Math.min(page, 1000)), pageSize);
        PageQuery.Paged<DocumentView> found = documents.list(caller, query, type, id);
        Map<String, Object> params = pages.common(session, "Knowledge");
        params.put("documents", found.data());
        params.put("total", found.meta().total());
        params.put("pageNo", query.page());
        params.put("more", (long) query.page() * query.perPage() < found.meta().total());
        params.put("scopeType", type == null ? "" : type);
        params.put("scopeId", id == null ? "" : id);
        params.put("q", q == null ? "" : q);
        params.put("topK", topK);
        params.put("canWrite", RoleRules.denial(caller, "POST", "/api/v1/knowledge") == null);
        List<KnowledgeSearchController.HitView> hits = null;
        if (blank(q) != null) {
            hits = search.search(caller, new KnowledgeSearchController.SearchBody(q, type == null ? "org" : type, id, topK, null)).get("data");
        }
        params.put("hits", hits);
        return pages.page("knowledge", params);
    }

    @GetMapping("/console/knowledge/{id}")
    ResponseEntity<String> document(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(defaultValue = "1") int page) {
        Caller caller = session.caller();
        DocumentView doc = documents.get(caller, id);
        PageQuery query = new PageQuery(Math.max(1, Math.min(page, 1000)), pageSize);
        PageQuery.Paged<ChunkStore.StoredChunk> chunks = documents.chunks(caller, id, query);
        Map<String, Object> params = pages.common(session, "Document " + doc.title());
        params.put("doc", doc);
        params.put("chunks", chunks.data());
        params.put("chunkTotal", chunks.meta().total());
        params.put("pageNo", query.page());
        params.put("more", (long) query.page() * query.perPage() < chunks.meta().total());
        params.put("canWrite", RoleRules.denial(caller, "DELETE", "/api/v1/knowledge/" + id) == null);
        return pages.page("document", params);
    }

    @PostMapping(UPLOAD)
    ResponseEntity<Void> upload(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestPart(name = "file", required = false) MultipartFile file, @RequestParam(name = "scope_type", required = false) String scopeType,
            @RequestParam(name = "scope_id", required = false) String scopeId, @RequestParam(required = false) String title) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/knowledge/upload");
        DocumentView made = documents.upload(caller, file, scopeType, blank(scopeId), blank(title), null).getBody();
        return seeOther("/console/knowledge/" + made.id());
    }

    @PostMapping("/console/knowledge")
    ResponseEntity<Void> text(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(name = "scope_type", required = false) String scopeType, @RequestParam(name = "scope_id", required = false) String scopeId,
            @RequestParam(required = false) String title, @RequestParam(required = false) String text) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/knowledge");
        DocumentView made = documents.create(caller, new KnowledgeController.DocumentBody(title, text, null, scopeType, blank(scopeId), null)).getBody();
        return seeOther("/console/knowledge/" + made.id());
    }

    @PostMapping("/console/knowledge/{id}/delete")
    ResponseEntity<Void> delete(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Caller caller = session.caller();
        RoleRules.require(caller, "DELETE", "/api/v1/knowledge/" + id);
        documents.delete(caller, id);
        return seeOther("/console/knowledge");
    }

    /** A runner's or agent's knowledge connections as the runner page lists them: scope type and id, with a link to their documents. */
    static List<Map<String, String>> connections(dev.griddle.server.knowledge.KnowledgeConnectionController.ConnectionsView view) {
        return view.scopes().stream().map(s -> {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("type", s.scopeType());
            m.put("id", s.scopeId() == null ? "" : s.scopeId().toString());
            return m;
        }).toList();
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static ResponseEntity<Void> seeOther(String location) {
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, location).build();
    }
}
