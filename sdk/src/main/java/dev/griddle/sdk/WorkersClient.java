package dev.griddle.sdk;

import dev.griddle.sdk.WorkerModels.WorkerInfo;
import dev.griddle.sdk.WorkerModels.WorkerTask;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * {@code /api/v1/workers}: the registry of remote worker hosts, for operators. A worker process
 * itself registers, claims and reports through {@link dev.griddle.sdk.worker.Worker}.
 */
public final class WorkersClient {

    private final Transport http;

    WorkersClient(Transport http) {
        this.http = http;
    }

    public Page<WorkerInfo> list(PageRequest page) {
        return http.page("/api/v1/workers?" + page.query(), WorkerInfo.class);
    }

    /** Online workers with a free slot. */
    public Page<WorkerInfo> available(PageRequest page) {
        return http.page("/api/v1/workers/available?" + page.query(), WorkerInfo.class);
    }

    public WorkerInfo get(UUID id) {
        return http.call("GET", "/api/v1/workers/" + id, null, WorkerInfo.class);
    }

    /** The tasks the worker held, newest first; {@code status} null for all. */
    public Page<WorkerTask> tasks(UUID id, String status, PageRequest page) {
        String filter = status == null ? "" : "status=" + URLEncoder.encode(status, StandardCharsets.UTF_8) + "&";
        return http.page("/api/v1/workers/" + id + "/tasks?" + filter + page.query(), WorkerTask.class);
    }

    /** No new tasks for the worker until it registers again; what it runs now finishes. */
    public WorkerInfo drain(UUID id) {
        return http.call("POST", "/api/v1/workers/" + id + "/drain", null, WorkerInfo.class);
    }
}
