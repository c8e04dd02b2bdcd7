package dev.griddle.server.console;

import dev.griddle.server.thread.ThreadController;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RoleRules;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Chat threads in the console: the list with a new-thread form, and a thread's page whose message
 * form is posted by {@code console-static/chat.js} with {@code fetch}, reading the answer's
 * Server-Sent Events from the POST's own response (an EventSource can only GET), so the tokens
 * appear as the model writes them. The answer is the thread API's own stream, as the signed-in key.
 */
@Hidden
@Controller
class ConsoleThreads {

    private static final int MAX_AGENTS_LISTED = 500;

    private final ConsolePages pages;
    private final ThreadController threads;
    private final ConsoleQueries queries;

    ConsoleThreads(ConsolePages pages, ThreadController threads, ConsoleQueries queries) {
        this.pages = pages;
        this.threads = threads;
        this.queries = queries;
    }

    @GetMapping("/console/threads")
    ResponseEntity<String> list(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        Caller caller = session.caller();
        PageQuery q = new PageQuery(Math.max(1, Math.min(page, 100)), PageQuery.MAX_PER_PAGE);
        var found = threads.list(caller, q, null);
        Map<String, Object> params = pages.common(session, "Threads");
        params.put("threads", found.data());
        params.put("agents", queries.agentNames(caller.orgId(), projects(caller), MAX_AGENTS_LISTED));
        params.put("canChat", RoleRules.denial(caller, "POST", "/api/v1/threads") == null);
        params.put("pageNo", q.page());
        params.put("more", (long) q.page() * q.perPage() < found.meta().total());
        return pages.page("threads", params);
    }

    @PostMapping("/console/threads")
    ResponseEntity<Void> create(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(name = "agent_id", required = false) UUID agentId, @RequestParam(defaultValue = "") String title) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/threads");
        ThreadController.ThreadView made = threads.create(caller, new ThreadController.ThreadBody(agentId, title.isBlank() ? null : title, null)).getBody();
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/console/threads/" + made.id()).build();
    }

    @GetMapping("/console/threads/{id}")
    ResponseEntity<String> thread(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Caller caller = session.caller();
        ThreadController.ThreadView thread = threads.get(caller, id);
        var messages = threads.messages(caller, id, new PageQuery(1, PageQuery.MAX_PER_PAGE));
        Map<String, Object> params = pages.common(session, thread.title() == null ? "Thread" : thread.title());
        params.put("thread", thread);
        params.put("messages", messages.data());
        params.put("total", messages.meta().total());
        params.put("canChat", RoleRules.denial(caller, "POST", "/api/v1/threads/" + id + "/messages") == null);
        return pages.page("thread", params);
    }

    /** One turn: the thread API's answer stream (message.delta, tool.call, tool.result, message.completed, error). */
    @PostMapping("/console/threads/{id}/messages")
    @ResponseBody
    SseEmitter send(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(defaultValue = "") String content) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/threads/" + id + "/messages");
        return threads.send(caller, id, new ThreadController.MessageBody(content));
    }

    private static UUID[] projects(Caller caller) {
        return caller.projectIds() == null ? null : caller.projectIds().toArray(UUID[]::new);
    }
}
