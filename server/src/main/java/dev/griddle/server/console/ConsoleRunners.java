package dev.griddle.server.console;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.RunRow;
import dev.griddle.server.engine.RunStarter;
import dev.griddle.server.engine.Trigger;
import dev.griddle.server.runner.RunnerController;
import dev.griddle.server.runner.RunnerViews;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import dev.griddle.server.web.RoleRules;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The console's runners: the list, and a runner's page with its draft in a YAML editor (saved as
 * {@code PATCH /runners/{id}}, its validation errors shown beside it), publish, the versions and a
 * diff of two, and a Run form generated from the latest version's {@code input_schema}. Every read
 * and write goes through the runner API's own controller methods, as the signed-in key, after the
 * API's role rule for the route it stands for.
 */
@Hidden
@Controller
public class ConsoleRunners {

    /** The draft editor takes at most this much YAML. */
    private static final int MAX_YAML = 256 * 1024;

    private final ConsolePages pages;
    private final RunnerController runners;
    private final RunStarter starter;
    private final dev.griddle.server.trigger.TriggerController triggers;
    private final YAMLMapper yaml = YAMLMapper.builder().build();

    private final dev.griddle.server.knowledge.KnowledgeConnectionController knowledge;

    ConsoleRunners(ConsolePages pages, RunnerController runners, RunStarter starter, dev.griddle.server.trigger.TriggerController triggers,
            dev.griddle.server.knowledge.KnowledgeConnectionController knowledge) {
        this.knowledge = knowledge;
        this.triggers = triggers;
        this.pages = pages;
        this.runners = runners;
        this.starter = starter;
    }

    @GetMapping("/console/runners")
    ResponseEntity<String> list(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @RequestParam(defaultValue = "1") int page) {
        PageQuery query = new PageQuery(Math.max(1, Math.min(page, 100)), PageQuery.MAX_PER_PAGE);
        PageQuery.Paged<RunnerViews.Runner> found = runners.list(session.caller(), query, null);
        Map<String, Object> params = pages.common(session, "Runners");
        params.put("runners", found.data());
        params.put("pageNo", query.page());
        params.put("more", found.data().size() == query.perPage());
        return pages.page("runners", params);
    }

    @GetMapping("/console/runners/{id}")
    ResponseEntity<String> runner(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(required = false) Integer a, @RequestParam(required = false) Integer b) {
        RunnerViews.Runner runner = runners.get(session.caller(), id);
        Map<String, Object> params = model(session, runner, yamlOf(runner), List.of());
        if (a != null && b != null) {
            RunnerViews.Version from = runners.version(session.caller(), id, a);
            RunnerViews.Version to = runners.version(session.caller(), id, b);
            params.put("diff", ConsoleDiff.of(yamlOf(from), yamlOf(to)));
            params.put("diffTitle", "v" + a + " → v" + b);
        }
        return pages.page("runner", params);
    }

    /** Saves the editor's YAML as the draft; a YAML or draft error re-shows the editor with the text and the errors in place (422). */
    @PostMapping("/console/runners/{id}/draft")
    ResponseEntity<String> save(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(defaultValue = "") String yaml) {
        Caller caller = session.caller();
        RoleRules.require(caller, "PATCH", "/api/v1/runners/" + id);
        RunnerViews.Runner current = runners.get(caller, id);
        if (yaml.length() > MAX_YAML) {
            return pages.page(422, "runner", model(session, current, yaml, List.of("The draft is longer than " + MAX_YAML / 1024 + " KiB.")));
        }
        JsonNode tree;
        try {
            tree = this.yaml.readTree(yaml);
        } catch (JacksonException e) {
            return pages.page(422, "runner", model(session, current, yaml, List.of("Not valid YAML: " + e.getOriginalMessage())));
        }
        if (tree == null || !tree.isObject()) {
            return pages.page(422, "runner", model(session, current, yaml, List.of("The draft must be a YAML mapping (name, steps, ...).")));
        }
        ObjectNode draft = ((ObjectNode) tree).deepCopy();
        for (String field : List.of("input_schema", "output")) {
            if (!draft.has(field)) {
                draft.putNull(field);
            }
        }
        try {
            runners.updateDraft(caller, id, draft);
        } catch (ApiException e) {
            return pages.page(e.status().value(), "runner", model(session, current, yaml, problems(e)));
        }
        return seeOther("/console/runners/" + id);
    }

    @PostMapping("/console/runners/{id}/publish")
    ResponseEntity<String> publish(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/runners/" + id + "/versions");
        RunnerViews.Runner current = runners.get(caller, id);
        try {
            runners.publish(caller, id);
        } catch (ApiException e) {
            return pages.page(e.status().value(), "runner", model(session, current, yamlOf(current), problems(e)));
        }
        return seeOther("/console/runners/" + id);
    }

    /** Starts a run of the latest version with the form's fields as input, typed by the input schema; a refused input re-shows the form. */
    @PostMapping("/console/runners/{id}/run")
    ResponseEntity<String> run(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam MultiValueMap<String, String> form) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/runners/" + id + "/runs");
        RunnerViews.Runner current = runners.get(caller, id);
        List<String> problems = new ArrayList<>();
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        for (ConsoleForms.Field field : ConsoleForms.fields(schemaOf(caller, current))) {
            String value = form.getFirst("in." + field.name());
            ConsoleForms.put(input, field, value, problems);
        }
        if (!problems.isEmpty()) {
            return pages.page(422, "runner", model(session, current, yamlOf(current), problems));
        }
        RunRow run;
        try {
            run = starter.start(caller.orgId(), id, new RunStarter.StartRequest(input, null, null), Trigger.api(), ProjectScope.of(caller.projectIds()));
        } catch (ApiException e) {
            return pages.page(e.status().value(), "runner", model(session, current, yamlOf(current), problems(e)));
        }
        return seeOther("/console/runs/" + run.id());
    }

    /**
     * Adds a cron or webhook trigger ({@code POST /runners/{id}/triggers}). A webhook's generated
     * signing secret is shown on the answer page this once (it is stored only encrypted), so that
     * page is not a redirect.
     */
    @PostMapping("/console/runners/{id}/triggers")
    ResponseEntity<String> addTrigger(@RequestAttribute(ConsoleFilter.SESSION) ConsoleSessions.Session session, @PathVariable UUID id,
            @RequestParam(defaultValue = "") String type, @RequestParam(defaultValue = "") String schedule,
            @RequestParam(defaultValue = "UTC") String timezone) {
        Caller caller = session.caller();
        RoleRules.require(caller, "POST", "/api/v1/runners/" + id + "/triggers");
        RunnerViews.Runner current = runners.get(caller, id);
        dev.griddle.server.trigger.TriggerRequest request = new dev.griddle.server.trigger.TriggerRequest(type, true, null,
                type.equals("cron") ? new dev.griddle.server.trigger.TriggerRequest.Cron(schedule, timezone.isBlank() ? "UTC" : timezone, null) : null,
                null, null);
        dev.griddle.server.trigger.TriggerView made;
        try {
            made = triggers.create(caller, id, request).getBody();
        } catch (ApiException e) {
            return pages.page(e.status().value(), "runner", model(session, current, yamlOf(current), problems(e)));
        }
        if (made == null || made.signingSecret() == null) {
            return seeOther("/console/runners/" + id + "#triggers");
        }
        Map<String, Object> params = model(session, current, yamlOf(current), List.of());
        params.put("newSecret", made.signingSecret());
        params.put("newTrigger", made.id().toString());
        return pages.page(201, "runner", params);
    }

    private Map<String, Object> model(ConsoleSessions.Session session, RunnerViews.Runner runner, String yamlText, List<String> errors) {
        Caller caller = session.caller();
        Map<String, Object> params = pages.common(session, "Runner " + runner.name());
        params.put("runner", runner);
        params.put("yaml", yamlText);
        params.put("errors", errors);
        params.put("validation", runners.validate(caller, runner.id()));
        params.put("versions", runners.versions(caller, runner.id(), new PageQuery(1, PageQuery.MAX_PER_PAGE)).data());
        params.put("fields", ConsoleForms.fields(schemaOf(caller, runner)));
        params.put("canEdit", RoleRules.denial(caller, "PATCH", "/api/v1/runners/" + runner.id()) == null);
        params.put("canRun", RoleRules.denial(caller, "POST", "/api/v1/runners/" + runner.id() + "/runs") == null);
        List<ConsoleTrigger> shown = new ArrayList<>();
        for (dev.griddle.server.trigger.TriggerView t : triggers.list(caller, runner.id(), new PageQuery(1, PageQuery.MAX_PER_PAGE)).data()) {
            shown.add(new ConsoleTrigger(t, triggers.nextFires(t, 5).stream().map(z -> z.toOffsetDateTime().toString() + " " + z.getZone()).toList()));
        }
        params.put("triggers", shown);
        params.put("canTrigger", RoleRules.denial(caller, "POST", "/api/v1/runners/" + runner.id() + "/triggers") == null);
        params.put("knowledge", ConsoleKnowledge.connections(knowledge.runner(caller, runner.id())));
        params.put("newSecret", null);
        params.put("newTrigger", null);
        params.put("diff", null);
        params.put("diffTitle", "");
        return params;
    }

    /** A trigger with its next fire times, written in its own time zone. */
    public record ConsoleTrigger(dev.griddle.server.trigger.TriggerView trigger, List<String> nextFires) {
    }

    /** The input schema a run would be checked against: the latest version's, else the draft's. */
    private JsonNode schemaOf(Caller caller, RunnerViews.Runner runner) {
        if (runner.latestVersion() != null) {
            return runners.version(caller, runner.id(), runner.latestVersion()).inputSchema();
        }
        return runner.inputSchema();
    }

    private String yamlOf(RunnerViews.Runner r) {
        ObjectNode draft = JsonNodeFactory.instance.objectNode();
        draft.put("name", r.name());
        putIf(draft, "description", r.description());
        putIf(draft, "default_model", r.defaultModel());
        putIf(draft, "input_schema", r.inputSchema());
        draft.set("steps", r.steps());
        putIf(draft, "output", r.output());
        recordingSettings(draft, r.recording(), r.redact());
        return yaml.writeValueAsString(draft).replaceFirst("^---\n", "");
    }

    private String yamlOf(RunnerViews.Version v) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("name", v.name());
        putIf(spec, "default_model", v.defaultModel());
        putIf(spec, "input_schema", v.inputSchema());
        spec.set("steps", v.steps());
        putIf(spec, "output", v.output());
        recordingSettings(spec, v.recording(), v.redact());
        return yaml.writeValueAsString(spec).replaceFirst("^---\n", "");
    }

    /** Issue #18's runner settings, shown only when not the defaults (recording on, nothing redacted). */
    private static void recordingSettings(ObjectNode node, String recording, List<String> redact) {
        if ("off".equals(recording)) {
            node.put("recording", "off");
        }
        if (redact != null && !redact.isEmpty()) {
            redact.forEach(node.putArray("redact")::add);
        }
    }

    private static void putIf(ObjectNode node, String field, Object value) {
        if (value instanceof JsonNode j && !j.isNull()) {
            node.set(field, j);
        } else if (value instanceof String s) {
            node.put(field, s);
        }
    }

    /** An API refusal as lines for the page: its message, then each field's or step's problem. */
    static List<String> problems(ApiException e) {
        List<String> lines = new ArrayList<>();
        lines.add(e.getMessage());
        if (e.details().get("field_errors") instanceof Map<?, ?> fields) {
            fields.forEach((field, list) -> ((List<?>) list).forEach(p -> lines.add(field + ": " + p)));
        }
        if (e.details().get("errors") instanceof List<?> errors) {
            errors.forEach(err -> lines.add(err instanceof dev.griddle.server.runner.ValidationError v
                    ? (v.stepId() == null ? "" : "step " + v.stepId() + " · ") + (v.path() == null ? "" : v.path() + ": ") + v.message()
                    : String.valueOf(err)));
        }
        return lines;
    }

    private static ResponseEntity<String> seeOther(String location) {
        return ResponseEntity.status(303).header(HttpHeaders.LOCATION, location).build();
    }
}
