package dev.griddle.server.console;

import dev.griddle.server.experiment.ExperimentController;
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

/**
 * The console's experiments: the list (newest first, with summaries) and an experiment's page with
 * its summary and deltas and its cases side by side (baseline output, new output, the diff, the
 * evaluations). Reads and the cancel go through the experiment API's own controller methods, as
 * the signed-in key, after the API's role rule.
 */
@Hidden
@Controller
public class ConsoleExperiments {

    private final ConsolePages pages;
    private final ExperimentController experiments;
    private final int pageSize;

    ConsoleExperiments(ConsolePages pages, ExperimentController experiments, ConsoleProperties props) {
        this.pages = pages;
        this.experiments = experiments;
        this.pageSize = props.pageSize();
    }

    @GetMapping("/console/experiments")
    ResponseEntity<String> list(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session,
            @RequestParam(name = "runner_id", required = false) UUID runnerId, @RequestParam(defaultValue = "1") int page) {
        PageQuery q = new PageQuery(Math.max(1, Math.min(page, 1000)), pageSize);
        PageQuery.Paged<ExperimentController.ExperimentView> found = experiments.list(session.caller(), q, runnerId, null);
        Map<String, Object> params = pages.common(session, "Experiments");
        params.put("experiments", found.data());
        params.put("total", found.meta().total());
        params.put("pageNo", q.page());
        params.put("more", (long) q.page() * q.perPage() < found.meta().total());
        return pages.page("experiments", params);
    }

    @GetMapping("/console/experiments/{id}")
    ResponseEntity<String> experiment(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Caller caller = session.caller();
        ExperimentController.ExperimentView e = experiments.get(caller, id);
        Map<String, Object> params = pages.common(session, "Experiment " + id);
        params.put("e", e);
        params.put("canCancel", RoleRules.denial(caller, "POST", "/api/v1/experiments/" + id + "/cancel") == null
                && (e.status().equals("queued") || e.status().equals("running")));
        return pages.page("experiment", params);
    }

    @PostMapping("/console/experiments/{id}/cancel")
    ResponseEntity<Void> cancel(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/experiments/" + id + "/cancel");
        experiments.cancel(caller, id);
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, "/console/experiments/" + id).build();
    }
}
