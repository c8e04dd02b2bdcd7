package dev.griddle.server.llm;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET/PUT /api/v1/runners/{id}/budget}. Never set = no limits, {@code on_exceed: pause}. */
@RestController
class BudgetController {

    record BudgetBody(BigDecimal maxCostUsdPerRun, BigDecimal maxCostUsdPerDay, Long maxTokensPerRun, String onExceed) {
        static BudgetBody of(Budget b) {
            return new BudgetBody(b.maxCostUsdPerRun(), b.maxCostUsdPerDay(), b.maxTokensPerRun(), b.onExceed());
        }
    }

    private final BudgetStore budgets;
    private final RunnerAccess access;
    private final Clock clock;

    BudgetController(BudgetStore budgets, RunnerAccess access, Clock clock) {
        this.budgets = budgets;
        this.access = access;
        this.clock = clock;
    }

    @Operation(summary = "Get the runner's budget",
            description = "{max_cost_usd_per_run, max_cost_usd_per_day, max_tokens_per_run, on_exceed}; null limits do not limit.")
    @GetMapping("/api/v1/runners/{id}/budget")
    BudgetBody get(Caller caller, @PathVariable UUID id) {
        access.check(caller, id);
        return BudgetBody.of(budgets.find(caller.orgId(), id).orElse(Budget.NONE));
    }

    @PutMapping("/api/v1/runners/{id}/budget")
    @Operation(summary = "Set the runner's budget", description = "Null limits do not limit; on_exceed: pause (default) or fail. "
            + "Checked before every model call of the runner's runs.")
    BudgetBody put(Caller caller, @PathVariable UUID id, @RequestBody BudgetBody body) {
        access.check(caller, id);
        FieldErrors errors = new FieldErrors();
        Budget budget = Budget.checked(body.maxCostUsdPerRun(), body.maxCostUsdPerDay(), body.maxTokensPerRun(), body.onExceed(), "", errors);
        errors.throwIfAny();
        budgets.put(caller.orgId(), id, budget, clock.instant());
        return BudgetBody.of(budget);
    }
}
