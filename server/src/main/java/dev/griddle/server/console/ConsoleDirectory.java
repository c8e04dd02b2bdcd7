package dev.griddle.server.console;

import dev.griddle.server.auth.ApiKey;
import dev.griddle.server.auth.KeyController;
import dev.griddle.server.auth.Project;
import dev.griddle.server.auth.ProjectController;
import dev.griddle.server.secret.SecretController;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.worker.Worker;
import dev.griddle.server.worker.WorkerController;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The console's read-only lists: workers (hosts with status, labels, load and task types) for
 * every role, and keys, projects and secrets (names only, never values) for admins. Each reads
 * through the API controller's own list method, as the signed-in key.
 */
@Hidden
@Controller
public class ConsoleDirectory {

    /** A list page: a heading, column names, rows of cells, how many there are in all, and its page. */
    public record Table(String heading, String note, List<String> columns, List<List<String>> rows, long total, int pageNo, boolean more, String path) {
    }

    private final ConsolePages pages;
    private final WorkerController workers;
    private final KeyController keys;
    private final ProjectController projects;
    private final SecretController secrets;

    ConsoleDirectory(ConsolePages pages, WorkerController workers, KeyController keys, ProjectController projects, SecretController secrets) {
        this.pages = pages;
        this.workers = workers;
        this.keys = keys;
        this.projects = projects;
        this.secrets = secrets;
    }

    @GetMapping("/console/workers")
    ResponseEntity<String> workers(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        PageQuery q = query(page);
        PageQuery.Paged<Worker> found = workers.list(session.caller(), q);
        List<List<String>> rows = new ArrayList<>();
        for (Worker w : found.data()) {
            int loadPct = w.maxConcurrency() == 0 ? 0 : w.runningTasks() * 100 / w.maxConcurrency();
            rows.add(List.of(w.name(), w.status(), String.join(", ", w.labels()), w.runningTasks() + " / " + w.maxConcurrency() + " (" + loadPct + "%)",
                    String.join(", ", w.taskTypes()), w.podCount() + " / " + w.maxPods(), (w.os() == null ? "" : w.os() + " ") + (w.arch() == null ? "" : w.arch()) + (w.version() == null ? "" : " · " + w.version()),
                    w.lastHeartbeatAt() == null ? "" : w.lastHeartbeatAt().toString()));
        }
        return table(session, "Workers", new Table("Workers", "Hosts registered with griddle-worker; load is running tasks over the worker's concurrency, pods its live sessions over its max_pods.",
                List.of("Name", "Status", "Labels", "Load", "Task types", "Pods", "Host", "Last heartbeat"), rows, found.meta().total(), q.page(),
                more(found, q), "/console/workers"));
    }

    @GetMapping("/console/keys")
    ResponseEntity<String> keys(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        Caller caller = admin(session, "see API keys");
        PageQuery q = query(page);
        PageQuery.Paged<ApiKey> found = keys.list(caller, q);
        List<List<String>> rows = found.data().stream().map(k -> List.of(k.name(), k.role(), k.prefix() + "…",
                k.projectIds() == null || k.projectIds().isEmpty() ? "all" : k.projectIds().stream().map(Object::toString).collect(Collectors.joining(", ")),
                k.createdAt().toString(), k.expiresAt() == null ? "never" : k.expiresAt().toString(), k.revokedAt() == null ? "" : k.revokedAt().toString()))
                .toList();
        return table(session, "API keys", new Table("API keys", "Only each key's prefix is shown; secrets are stored hashed.",
                List.of("Name", "Role", "Prefix", "Projects", "Created", "Expires", "Revoked"), rows, found.meta().total(), q.page(), more(found, q), "/console/keys"));
    }

    @GetMapping("/console/projects")
    ResponseEntity<String> projects(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        Caller caller = admin(session, "see the projects");
        PageQuery q = query(page);
        PageQuery.Paged<Project> found = projects.list(caller, q);
        List<List<String>> rows = found.data().stream().map(p -> List.of(p.name(), p.description() == null ? "" : p.description(), p.id().toString(),
                p.createdAt().toString())).toList();
        return table(session, "Projects", new Table("Projects", "", List.of("Name", "Description", "Id", "Created"), rows, found.meta().total(), q.page(),
                more(found, q), "/console/projects"));
    }

    @GetMapping("/console/secrets")
    ResponseEntity<String> secrets(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        Caller caller = admin(session, "see the secrets");
        PageQuery q = query(page);
        PageQuery.Paged<SecretController.SecretView> found = secrets.list(caller, q);
        List<List<String>> rows = found.data().stream().map(s -> List.of(s.name(),
                s.projectIds() == null || s.projectIds().isEmpty() ? "all" : s.projectIds().stream().map(Object::toString).collect(Collectors.joining(", ")),
                s.createdAt().toString(), s.updatedAt().toString())).toList();
        return table(session, "Secrets", new Table("Secrets", "Names only: a secret's value is never shown (it is stored encrypted).",
                List.of("Name", "Projects", "Created", "Updated"), rows, found.meta().total(), q.page(), more(found, q), "/console/secrets"));
    }

    private ResponseEntity<String> table(ConsoleSessions.Session session, String title, Table table) {
        Map<String, Object> params = pages.common(session, title);
        params.put("table", table);
        return pages.page("table", params);
    }

    /** Keys, projects and secrets are admin pages in the console (the API's own rules apply too). */
    private static Caller admin(ConsoleSessions.Session session, String what) {
        session.caller().requireAdmin(what);
        return session.caller();
    }

    private static PageQuery query(int page) {
        return new PageQuery(Math.max(1, Math.min(page, 100)), PageQuery.MAX_PER_PAGE);
    }

    private static boolean more(PageQuery.Paged<?> found, PageQuery q) {
        return (long) q.page() * q.perPage() < found.meta().total();
    }
}
