package dev.griddle.server.memory;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/agents/{id}/memory}: what an agent remembers, per user. The agent's visibility
 * (its project) is checked before anything is read or written; a viewer key reads and searches
 * (search is a read sent as POST), only contributors and admins write.
 */
@RestController
@RequestMapping("/api/v1/agents/{id}/memory")
class MemoryController {

    static final int MAX_QUERY = 2000;

    record EntryBody(String text, String user) {
    }

    record SearchBody(String query, String user, Integer topK) {
    }

    record SettingsBody(Boolean autoIndexTurns) {
    }

    record EntryView(UUID id, UUID agentId, String user, String text, Instant createdAt, String source) {
        static EntryView of(MemoryEntry e) {
            return new EntryView(e.id(), e.agentId(), e.user(), e.text(), e.createdAt(), e.source());
        }
    }

    record HitView(UUID id, String text, String user, double score, Instant createdAt) {
    }

    record Hits(List<HitView> data) {
    }

    record SettingsView(boolean autoIndexTurns) {
    }

    private final AgentMemory memory;
    private final MemoryStore store;

    MemoryController(AgentMemory memory, MemoryStore store) {
        this.memory = memory;
        this.store = store;
    }

    @PostMapping
    @Operation(summary = "Remember a fact", description = "{text, user?} -> 201 entry (source 'api'). Text is 1 to griddle.memory.max-text "
            + "characters; an agent holding griddle.memory.max-entries-per-agent entries refuses more (409).")
    ResponseEntity<EntryView> create(Caller caller, @PathVariable UUID id, @RequestBody EntryBody body) {
        agent(caller, id);
        FieldErrors errors = new FieldErrors();
        String problem = memory.textProblem(body.text());
        if (problem != null) {
            errors.add("text", problem);
        }
        checkUser(body.user(), errors);
        errors.throwIfAny();
        MemoryEntry entry = memory.remember(caller.orgId(), id, body.user(), body.text(), "api").orElseThrow(() -> ApiException.conflict(
                "Agent " + id + " already holds " + memory.props().maxEntriesPerAgent() + " memory entries (griddle.memory.max-entries-per-agent)"));
        return ResponseEntity.created(URI.create("/api/v1/agents/" + id + "/memory/" + entry.id())).body(EntryView.of(entry));
    }

    @GetMapping
    @Operation(summary = "List the agent's memory", description = "Newest first, paged; ?user= lists one user's entries only.")
    PageQuery.Paged<EntryView> list(Caller caller, @PathVariable UUID id, PageQuery page, @RequestParam(name = "user", required = false) String user) {
        agent(caller, id);
        boolean all = user == null;
        return page.result(store.list(id, user, all, page.perPage(), page.offset()).stream().map(EntryView::of).toList(), store.count(id, user, all));
    }

    @PostMapping("/search")
    @Operation(summary = "Search the agent's memory of one user", description = "{query, user?, top_k} -> {data: [{id, text, user, score, "
            + "created_at}]}: full text and vectors fused as in knowledge search. No user searches the entries without one.")
    Hits search(Caller caller, @PathVariable UUID id, @RequestBody SearchBody body) {
        agent(caller, id);
        int maxTopK = memory.props().maxTopK();
        FieldErrors errors = new FieldErrors().required("query", body.query() == null || body.query().isBlank() ? null : body.query())
                .maxLength("query", body.query(), MAX_QUERY);
        if (body.topK() != null && (body.topK() < 1 || body.topK() > maxTopK)) {
            errors.add("top_k", "must be between 1 and " + maxTopK + " (griddle.memory.max-top-k)");
        }
        checkUser(body.user(), errors);
        errors.throwIfAny();
        int topK = body.topK() == null ? RecallTool.DEFAULT_TOP_K : body.topK();
        return new Hits(memory.recall(caller.orgId(), id, body.user(), body.query(), topK).stream()
                .map(h -> new HitView(h.entry().id(), h.entry().text(), h.entry().user(), h.score(), h.entry().createdAt())).toList());
    }

    @DeleteMapping("/{entryId}")
    @Operation(summary = "Forget one entry", description = "Gone from search at once, on every node.")
    ResponseEntity<Void> delete(Caller caller, @PathVariable UUID id, @PathVariable UUID entryId) {
        agent(caller, id);
        if (store.delete(id, entryId).isEmpty()) {
            throw ApiException.notFound("memory entry", entryId);
        }
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping
    @Operation(summary = "Forget everything about one user", description = "?user= is required; {deleted: n}. Gone from search at once, on "
            + "every node.")
    Map<String, Integer> deleteOfUser(Caller caller, @PathVariable UUID id, @RequestParam(name = "user", required = false) String user) {
        agent(caller, id);
        FieldErrors errors = new FieldErrors().required("user", user);
        checkUser(user, errors);
        errors.throwIfAny();
        return Map.of("deleted", store.deleteOfUser(id, user).size());
    }

    @Operation(summary = "Get the agent's memory settings",
            description = "{auto_index_turns, ...}: whether turns are remembered without a remember call.")
    @GetMapping("/settings")
    SettingsView settings(Caller caller, @PathVariable UUID id) {
        agent(caller, id);
        return new SettingsView(store.autoIndexTurns(caller.orgId(), id).orElse(false));
    }

    @PutMapping("/settings")
    @Operation(summary = "Set the agent's memory settings", description = "{auto_index_turns}: each completed turn (the message and the "
            + "answer, cut to griddle.memory.max-text) becomes an entry of the thread's user, source 'turn'. A field left out is false.")
    SettingsView putSettings(Caller caller, @PathVariable UUID id, @RequestBody SettingsBody body) {
        agent(caller, id);
        boolean on = Boolean.TRUE.equals(body.autoIndexTurns());
        store.setAutoIndexTurns(caller.orgId(), id, on);
        return new SettingsView(on);
    }

    /** 404 unless the agent exists in the caller's organization and a project the caller sees. */
    private void agent(Caller caller, UUID id) {
        store.agentProject(caller.orgId(), id).filter(p -> caller.sees(p.orElse(null))).orElseThrow(() -> ApiException.notFound("agent", id));
    }

    private static void checkUser(String user, FieldErrors errors) {
        if (user != null && (user.isBlank() || user.length() > AgentMemory.MAX_USER)) {
            errors.add("user", "must be 1 to " + AgentMemory.MAX_USER + " characters when given");
        }
    }
}
