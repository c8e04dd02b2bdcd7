package dev.griddle.sdk;

import dev.griddle.sdk.RunModels.Approval;
import dev.griddle.sdk.RunModels.CompleteApproval;
import java.util.UUID;

/** Approvals: the inbox, a run's approvals, completing one. */
public final class ApprovalsClient {

    private final Transport http;

    ApprovalsClient(Transport http) {
        this.http = http;
    }

    /** {@code status}: pending, completed, expired, cancelled, or null for all. */
    public Page<Approval> inbox(String status, PageRequest page) {
        return http.page("/api/v1/approvals?" + (status == null ? "" : "status=" + status + "&") + page.query(), Approval.class);
    }

    public Page<Approval> forRun(UUID runId, PageRequest page) {
        return http.page("/api/v1/runs/" + runId + "/approvals?" + page.query(), Approval.class);
    }

    public Approval get(UUID id) {
        return http.call("GET", "/api/v1/approvals/" + id, null, Approval.class);
    }

    public Approval complete(UUID id, CompleteApproval decision) {
        return http.call("POST", "/api/v1/approvals/" + id + "/complete", decision, Approval.class);
    }
}
