package dev.griddle.server.apply;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/v1/apply}: upserts every section of a bundle in one transaction. First every
 * section's keys are declared (so references may point at objects later in the bundle), then
 * every object is checked and planned; any problem fails the whole bundle (422 listing all of
 * them) and nothing is written. Then the plan is written in section order, so what is referred to
 * exists before what refers to it. A dry run plans and reports without writing.
 */
@Component
class BundleApplier {

    /**
     * Dependency order: integrations, MCP servers, tools and skills before the agents and runners
     * attached to them; documents last, as they may belong to an agent or runner of the bundle.
     */
    static final List<String> ORDER = List.of("integrations", "mcp_servers", "tools", "skills", "agents", "runners", "knowledge");

    record Result(boolean dryRun, List<Applied> created, List<Applied> updated, List<Applied> unchanged, List<Bundle.Warning> warnings) {
    }

    private final List<BundleSection> sections;
    private final List<OwnerFields> ownerFields;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    BundleApplier(List<BundleSection> sections, List<OwnerFields> ownerFields, TransactionTemplate tx, JsonMapper json) {
        this.sections = sections.stream().sorted(Comparator.comparingInt(s -> rank(s.section()))).toList();
        this.ownerFields = ownerFields;
        this.tx = tx;
        this.json = json;
    }

    Result apply(Caller caller, JsonNode tree, boolean dryRun) {
        return tx.execute(status -> {
            Bundle bundle = new Bundle(caller, json, sections, ownerFields);
            List<Planned> plan = plan(bundle, tree);
            if (!bundle.problems().isEmpty()) {
                List<Bundle.Problem> problems = bundle.problems();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("errors", problems);
                throw ApiException.validation("VALIDATION_FAILED", "Bundle is invalid: " + problems.size()
                        + (problems.size() == 1 ? " problem" : " problems") + " (first: " + problems.getFirst().path() + " "
                        + problems.getFirst().message() + "); nothing was applied", details);
            }
            Result result = new Result(dryRun, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), bundle.warnings());
            for (Planned p : plan) {
                if (!dryRun) {
                    p.write().run();
                }
                List<Applied> bucket = switch (p.action()) {
                    case CREATE -> result.created();
                    case UPDATE -> result.updated();
                    case UNCHANGED -> result.unchanged();
                };
                bucket.add(dryRun ? p.applied().dryRun(p.action()) : p.applied());
            }
            if (dryRun) {
                status.setRollbackOnly();
            }
            return result;
        });
    }

    private List<Planned> plan(Bundle bundle, JsonNode tree) {
        for (String key : tree.propertyNames()) {
            if (!key.startsWith("_") && sections.stream().noneMatch(s -> s.section().equals(key))) {
                bundle.warning(null, null, key, "unknown section; ignored (apply reads " + String.join(", ", ORDER) + ")");
            }
        }
        Map<BundleSection, JsonNode> lists = new LinkedHashMap<>();
        for (BundleSection section : sections) {
            JsonNode list = tree.path(section.section());
            if (list.isMissingNode() || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                bundle.problem(section.kind(), null, section.section(), "must be a list");
                continue;
            }
            bundle.declare(section, list);
            lists.put(section, list);
        }
        List<Planned> plan = new ArrayList<>();
        lists.forEach((section, list) -> plan.addAll(section.plan(bundle, list)));
        return plan;
    }

    private static int rank(String section) {
        int i = ORDER.indexOf(section);
        return i < 0 ? ORDER.size() : i;
    }
}
