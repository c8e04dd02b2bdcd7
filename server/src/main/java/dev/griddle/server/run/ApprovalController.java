package dev.griddle.server.run;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.engine.Approval;
import dev.griddle.server.engine.ApprovalStore;
import dev.griddle.server.engine.RunCommands;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** The approvals inbox, a run's approvals, and completing one. */
@RestController
class ApprovalController {

    record CompleteApproval(Boolean approved, String comment, JsonNode result) {
    }

    private static final List<String> STATUSES = List.of("pending", "completed", "expired", "cancelled");

    private final ApprovalStore approvals;
    private final RunCommands commands;
    private final RunAccess access;

    ApprovalController(ApprovalStore approvals, RunCommands commands, RunAccess access) {
        this.approvals = approvals;
        this.commands = commands;
        this.access = access;
    }

    @Operation(summary = "The approval inbox", description = "Approvals of the runs the key sees, filtered by status=pending|completed, paged.")
    @GetMapping("/api/v1/approvals")
    PageQuery.Paged<Approval> inbox(Caller caller, PageQuery page, @RequestParam(required = false) String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.fieldErrors(Map.of("status", List.of("must be one of " + STATUSES + ", was '" + status + "'")));
        }
        ProjectScope scope = ProjectScope.of(caller.projectIds());
        return page.result(approvals.list(caller.orgId(), scope, status, null, page.perPage(), page.offset()), approvals.count(caller.orgId(), scope, status, null));
    }

    @Operation(summary = "List a run's approvals", description = "Every approval step of the run, pending or completed.")
    @GetMapping("/api/v1/runs/{runId}/approvals")
    PageQuery.Paged<Approval> forRun(Caller caller, PageQuery page, @PathVariable UUID runId) {
        access.visible(caller, runId);
        return page.result(approvals.list(caller.orgId(), ProjectScope.ALL, null, runId, page.perPage(), page.offset()),
                approvals.count(caller.orgId(), ProjectScope.ALL, null, runId));
    }

    @Operation(summary = "Get an approval",
            description = "{id, run_id, runner_id, step_id, status: pending|completed|expired, message, approved, comment, result, "
                    + "created_at, completed_at, expires_at}.")
    @GetMapping("/api/v1/approvals/{id}")
    Approval get(Caller caller, @PathVariable UUID id) {
        Approval approval = approvals.find(caller.orgId(), id).orElseThrow(() -> ApiException.notFound("approval", id));
        access.visible(caller, approval.runId());
        return approval;
    }

    @Operation(summary = "Approve or reject",
            description = "{approved, comment?, result?}; merged into the approval step's output and the run goes on. Completing twice is 409.")
    @PostMapping("/api/v1/approvals/{id}/complete")
    Approval complete(Caller caller, @PathVariable UUID id, @RequestBody CompleteApproval body) {
        get(caller, id);
        FieldErrors errors = new FieldErrors().required("approved", body.approved());
        if (body.result() != null && !body.result().isNull() && !body.result().isObject()) {
            errors.add("result", "must be an object");
        }
        errors.maxLength("comment", body.comment(), 10_000).throwIfAny();
        return commands.completeApproval(caller.orgId(), id, body.approved(), body.comment(), body.result(), caller.keyId());
    }
}
