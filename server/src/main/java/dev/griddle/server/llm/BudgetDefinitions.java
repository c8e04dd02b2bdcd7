package dev.griddle.server.llm;

import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.OwnerFields;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * A runner's {@code budget} in an apply bundle, set as {@code PUT /runners/{id}/budget} does: the
 * limits given, the others none. Left out, the stored budget is left alone.
 */
@Component
class BudgetDefinitions implements OwnerFields {

    private final BudgetStore budgets;
    private final Clock clock;

    BudgetDefinitions(BudgetStore budgets, Clock clock) {
        this.budgets = budgets;
        this.clock = clock;
    }

    @Override
    public Set<String> fields(String ownerKind) {
        return "runner".equals(ownerKind) ? Set.of("budget") : Set.of();
    }

    @Override
    public List<Change> plan(Bundle bundle, Owner owner, JsonNode definition, String path) {
        if (!"runner".equals(owner.kind()) || !definition.hasNonNull("budget")) {
            return List.of();
        }
        String at = path + ".budget";
        Optional<BudgetController.BudgetBody> body = bundle.bind(definition.get("budget"), BudgetController.BudgetBody.class, owner.kind(), at);
        if (body.isEmpty()) {
            return List.of();
        }
        bundle.warnUnknownFields(definition.get("budget"), Set.of("max_cost_usd_per_run", "max_cost_usd_per_day", "max_tokens_per_run", "on_exceed"),
                owner.kind(), owner.name(), at);
        BudgetController.BudgetBody b = body.get();
        FieldErrors errors = new FieldErrors();
        Budget wanted = Budget.checked(b.maxCostUsdPerRun(), b.maxCostUsdPerDay(), b.maxTokensPerRun(), b.onExceed(), at + ".", errors);
        if (bundle.problems(owner.kind(), owner.name(), errors)) {
            return List.of();
        }
        Budget current = owner.created() ? Budget.NONE : budgets.find(bundle.caller().orgId(), owner.id()).orElse(Budget.NONE);
        if (current.sameAs(wanted)) {
            return List.of();
        }
        return List.of(new Change("budget", () -> budgets.put(bundle.caller().orgId(), owner.id(), wanted, clock.instant())));
    }
}
