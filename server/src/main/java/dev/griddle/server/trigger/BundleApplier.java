package dev.griddle.server.trigger;

import dev.griddle.server.runner.RunnerDefinitions;
import dev.griddle.server.runner.ValidationError;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/apply}: upserts the runners of a bundle by name, with their triggers, in one
 * transaction. Every object is checked first; any problem fails the whole bundle (422 listing all
 * of them) and nothing is written. A dry run plans and reports without writing.
 *
 * <p>Triggers are matched to a runner's existing ones by identity: a cron trigger by schedule and
 * time zone, a webhook by its position among the runner's webhooks. Existing triggers missing
 * from the bundle are left in place, with a warning; apply never deletes.
 */
@Component
class BundleApplier {

    static final Set<String> UNSUPPORTED_KINDS = Set.of("agents", "tools", "mcp_servers", "integrations", "skills");
    static final Set<String> UNSUPPORTED_RUNNER_FIELDS = Set.of("budget", "mcps", "integrations", "tools", "web", "plan", "skills", "connections");

    /** One object of the bundle and what applying did to it; secrets only for created webhooks, once. */
    record Applied(String kind, String name, UUID id, String runner, String ingressUrl, String signingSecret) {
    }

    record Warning(String kind, String name, String path, String message) {
    }

    record Problem(String kind, String name, String path, String message) {
    }

    record Result(boolean dryRun, List<Applied> created, List<Applied> updated, List<Applied> unchanged, List<Warning> warnings) {
    }

    private final RunnerDefinitions runners;
    private final TriggerDefinitions triggers;
    private final TriggerStore store;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    BundleApplier(RunnerDefinitions runners, TriggerDefinitions triggers, TriggerStore store, TransactionTemplate tx, JsonMapper json) {
        this.runners = runners;
        this.triggers = triggers;
        this.store = store;
        this.tx = tx;
        this.json = json;
    }

    Result apply(Caller caller, JsonNode bundle, String baseUrl, boolean dryRun) {
        return tx.execute(status -> {
            Plan plan = plan(caller, bundle);
            if (!plan.problems.isEmpty()) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("errors", plan.problems);
                throw ApiException.validation("VALIDATION_FAILED", "Bundle is invalid: " + plan.problems.size()
                        + (plan.problems.size() == 1 ? " problem" : " problems") + "; nothing was applied", details);
            }
            Result result = new Result(dryRun, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), plan.warnings);
            for (RunnerPlan r : plan.runners) {
                if (!dryRun) {
                    runners.write(r.runner);
                }
                Applied applied = new Applied("runner", r.runner.name(), dryRun && r.runner.action() == RunnerDefinitions.Action.CREATE ? null
                        : r.runner.id(), null, null, null);
                bucket(result, r.runner.action()).add(applied);
                for (TriggerPlan t : r.triggers) {
                    if (!dryRun) {
                        switch (t.action) {
                            case CREATE -> store.insert(t.trigger);
                            case UPDATE -> store.update(t.trigger);
                            case UNCHANGED -> { }
                        }
                    }
                    boolean fresh = t.action == RunnerDefinitions.Action.CREATE;
                    String ingress = t.trigger.cron() ? null : baseUrl + "/hooks/" + t.trigger.id();
                    bucket(result, t.action).add(new Applied("trigger", t.name, dryRun && fresh ? null : t.trigger.id(), r.runner.name(),
                            dryRun && fresh ? null : ingress, dryRun ? null : t.secret));
                }
            }
            if (dryRun) {
                status.setRollbackOnly();
            }
            return result;
        });
    }

    private static List<Applied> bucket(Result result, RunnerDefinitions.Action action) {
        return switch (action) {
            case CREATE -> result.created();
            case UPDATE -> result.updated();
            case UNCHANGED -> result.unchanged();
        };
    }

    private record RunnerPlan(RunnerDefinitions.Planned runner, List<TriggerPlan> triggers) {
    }

    private record TriggerPlan(String name, StoredTrigger trigger, RunnerDefinitions.Action action, String secret) {
    }

    private static final class Plan {
        final List<RunnerPlan> runners = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final List<Warning> warnings = new ArrayList<>();
    }

    private Plan plan(Caller caller, JsonNode bundle) {
        Plan plan = new Plan();
        for (Map.Entry<String, JsonNode> section : bundle.properties()) {
            String key = section.getKey();
            if (UNSUPPORTED_KINDS.contains(key)) {
                int i = 0;
                for (JsonNode object : section.getValue()) {
                    plan.warnings.add(new Warning(singular(key), object.path("name").asString(null), key + "[" + i++ + "]",
                            "not supported by apply yet; ignored"));
                }
            } else if (!key.equals("runners") && !key.startsWith("_")) {
                plan.warnings.add(new Warning(null, null, key, "unknown section; ignored"));
            }
        }
        JsonNode list = bundle.path("runners");
        if (!list.isMissingNode() && !list.isArray()) {
            plan.problems.add(new Problem("runner", null, "runners", "must be a list of runners"));
            return plan;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String path = "runners[" + i + "]";
            String name = node.path("name").isString() ? node.path("name").asString().strip() : null;
            if (!node.isObject()) {
                plan.problems.add(new Problem("runner", null, path, "must be an object"));
                continue;
            }
            if (name != null && !names.add(name)) {
                plan.problems.add(new Problem("runner", name, path + ".name", "the bundle names runner '" + name + "' twice"));
            }
            for (String field : UNSUPPORTED_RUNNER_FIELDS) {
                if (node.has(field)) {
                    plan.warnings.add(new Warning("runner", name, path + "." + field, "not supported by apply yet; ignored"));
                }
            }
            List<ValidationError> errors = new ArrayList<>();
            Optional<RunnerDefinitions.Planned> planned = runners.plan(caller, node, path, errors);
            errors.forEach(e -> plan.problems.add(new Problem("runner", name, e.path(), e.message())));
            List<TriggerPlan> triggerPlans = planTriggers(caller, planned.orElse(null), name, node.path("triggers"), path, plan);
            planned.ifPresent(p -> plan.runners.add(new RunnerPlan(p, triggerPlans)));
        }
        return plan;
    }

    private List<TriggerPlan> planTriggers(Caller caller, RunnerDefinitions.Planned runner, String runnerName, JsonNode list, String path,
            Plan plan) {
        List<TriggerPlan> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            plan.problems.add(new Problem("trigger", runnerName, path + ".triggers", "must be a list of triggers"));
            return out;
        }
        UUID runnerId = runner == null ? UUID.randomUUID() : runner.id();
        Map<String, StoredTrigger> existing = new HashMap<>();
        if (runner != null && runner.action() != RunnerDefinitions.Action.CREATE) {
            existing.putAll(keyed(store.listForRunner(caller.orgId(), runnerId, 1000, 0)));
        }
        Map<String, Integer> webhooks = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".triggers[" + i + "]";
            TriggerRequest request;
            try {
                request = json.treeToValue(list.get(i), TriggerRequest.class);
            } catch (JacksonException e) {
                plan.problems.add(new Problem("trigger", runnerName, at, "is invalid: " + e.getOriginalMessage()));
                continue;
            }
            String key = key(request.type(), request.cron(), webhooks);
            String name = runnerName + "/" + key;
            if (!seen.add(key)) {
                plan.problems.add(new Problem("trigger", name, at, "the runner has this trigger twice (same type, schedule and time zone)"));
                continue;
            }
            FieldErrors errors = new FieldErrors();
            StoredTrigger current = existing.remove(key);
            TriggerPlan planned;
            if (current == null) {
                TriggerDefinitions.Created created = triggers.create(caller.orgId(), runnerId, request, at + ".", errors);
                planned = created == null ? null : new TriggerPlan(name, created.trigger(), RunnerDefinitions.Action.CREATE, created.secret());
            } else {
                StoredTrigger updated = triggers.update(current, request, at + ".", errors);
                boolean same = updated != null && TriggerDefinitions.sameDefinition(current, updated);
                planned = updated == null ? null : new TriggerPlan(name, same ? current : updated,
                        same ? RunnerDefinitions.Action.UNCHANGED : RunnerDefinitions.Action.UPDATE, null);
            }
            if (!collect(errors, "trigger", name, plan) && planned != null) {
                out.add(planned);
            }
        }
        existing.forEach((key, left) -> plan.warnings.add(new Warning("trigger", runnerName + "/" + key, path + ".triggers",
                "trigger " + left.id() + " is not in the bundle; left in place (DELETE /api/v1/triggers/" + left.id() + " removes it)")));
        return out;
    }

    /** Adds the field errors as problems; true when there were any. */
    @SuppressWarnings("unchecked")
    private static boolean collect(FieldErrors errors, String kind, String name, Plan plan) {
        try {
            errors.throwIfAny();
            return false;
        } catch (ApiException e) {
            ((Map<String, List<String>>) e.details().get("field_errors")).forEach((field, problems) ->
                    problems.forEach(p -> plan.problems.add(new Problem(kind, name, field, p))));
            return true;
        }
    }

    private static Map<String, StoredTrigger> keyed(List<StoredTrigger> existing) {
        Map<String, StoredTrigger> out = new LinkedHashMap<>();
        Map<String, Integer> webhooks = new HashMap<>();
        for (StoredTrigger t : existing) {
            out.putIfAbsent(key(t.type(), t.cron() ? new TriggerRequest.Cron(t.schedule(), t.timezone(), null) : null, webhooks), t);
        }
        return out;
    }

    /** A trigger's identity within its runner: cron by schedule and zone, webhooks by position. */
    private static String key(String type, TriggerRequest.Cron cron, Map<String, Integer> webhooks) {
        if (StoredTrigger.CRON.equals(type) && cron != null) {
            return "cron " + (cron.schedule() == null ? "" : cron.schedule().strip()) + " " + (cron.timezone() == null ? "UTC" : cron.timezone());
        }
        String t = type == null ? "trigger" : type;
        int n = webhooks.merge(t, 1, Integer::sum) - 1;
        return t + "[" + n + "]";
    }

    private static String singular(String section) {
        return section.endsWith("s") ? section.substring(0, section.length() - 1) : section;
    }
}
