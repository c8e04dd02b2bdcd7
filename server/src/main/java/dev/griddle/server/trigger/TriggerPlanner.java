package dev.griddle.server.trigger;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.web.FieldErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plans the triggers of one runner of a bundle. Triggers are matched to the runner's existing ones
 * by identity: a cron trigger by schedule and time zone, a webhook by its position among the
 * runner's webhooks. Existing triggers missing from the bundle are left in place, with a warning;
 * apply never deletes.
 */
@Component
class TriggerPlanner {

    private final TriggerDefinitions definitions;
    private final TriggerStore store;
    private final JsonMapper json;

    TriggerPlanner(TriggerDefinitions definitions, TriggerStore store, JsonMapper json) {
        this.definitions = definitions;
        this.store = store;
        this.json = json;
    }

    /** {@code runnerCreated}: the runner does not exist yet, so it has no triggers to match. */
    List<Planned> plan(Bundle bundle, UUID runnerId, boolean runnerCreated, String runnerName, JsonNode list, String path) {
        List<Planned> out = new ArrayList<>();
        if (list.isMissingNode() || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            bundle.problem("trigger", runnerName, path + ".triggers", "must be a list of triggers");
            return out;
        }
        UUID orgId = bundle.caller().orgId();
        Map<String, StoredTrigger> existing = runnerCreated ? new HashMap<>() : keyed(store.listForRunner(orgId, runnerId, 1000, 0));
        String baseUrl = TriggerController.baseUrl();
        Map<String, Integer> webhooks = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + ".triggers[" + i + "]";
            TriggerRequest request;
            try {
                request = json.treeToValue(list.get(i), TriggerRequest.class);
            } catch (JacksonException e) {
                bundle.problem("trigger", runnerName, at, "is invalid: " + e.getOriginalMessage());
                continue;
            }
            String key = key(request.type(), request.cron(), webhooks);
            String name = runnerName + "/" + key;
            if (!seen.add(key)) {
                bundle.problem("trigger", name, at, "the runner has this trigger twice (same type, schedule and time zone)");
                continue;
            }
            FieldErrors errors = new FieldErrors();
            StoredTrigger current = existing.remove(key);
            Planned planned;
            if (current == null) {
                TriggerDefinitions.Created created = definitions.create(orgId, runnerId, request, at + ".", errors);
                planned = created == null ? null : new Planned(Action.CREATE, applied(name, created.trigger(), runnerName, baseUrl,
                        created.secret()), () -> store.insert(created.trigger()));
            } else {
                StoredTrigger updated = definitions.update(current, request, at + ".", errors);
                boolean same = updated != null && TriggerDefinitions.sameDefinition(current, updated);
                planned = updated == null ? null : same ? Planned.unchanged(applied(name, current, runnerName, baseUrl, null))
                        : new Planned(Action.UPDATE, applied(name, updated, runnerName, baseUrl, null), () -> store.update(updated));
            }
            if (!bundle.problems("trigger", name, errors) && planned != null) {
                out.add(planned);
            }
        }
        existing.forEach((key, left) -> bundle.warning("trigger", runnerName + "/" + key, path + ".triggers",
                "trigger " + left.id() + " is not in the bundle; left in place (DELETE /api/v1/triggers/" + left.id() + " removes it)"));
        return out;
    }

    private static Applied applied(String name, StoredTrigger t, String runnerName, String baseUrl, String secret) {
        return new Applied("trigger", name, t.id(), runnerName, t.cron() ? null : baseUrl + "/hooks/" + t.id(), secret, List.of());
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
}
