package dev.griddle.sdk;

import dev.griddle.sdk.SessionModels.CreateSession;
import dev.griddle.sdk.SessionModels.ExecResult;
import dev.griddle.sdk.SessionModels.Pods;
import dev.griddle.sdk.SessionModels.Session;
import dev.griddle.sdk.SessionModels.SessionEvents;
import dev.griddle.sdk.SessionModels.SessionTemplateInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/sessions}, {@code /api/v1/session-templates} and a host's pods (docs/sessions.md). */
public final class SessionsClient {

    private final Transport http;

    SessionsClient(Transport http) {
        this.http = http;
    }

    public Session create(CreateSession body) {
        return http.call("POST", "/api/v1/sessions", body, Session.class);
    }

    public Session get(UUID id) {
        return http.call("GET", "/api/v1/sessions/" + id, null, Session.class);
    }

    /** Filters may be null. */
    public Page<Session> list(String status, UUID workerId, String template, PageRequest page) {
        StringBuilder q = new StringBuilder();
        param(q, "status", status);
        param(q, "worker_id", workerId == null ? null : workerId.toString());
        param(q, "template", template);
        return http.page("/api/v1/sessions?" + q + page.query(), Session.class);
    }

    private static void param(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
        }
    }

    /** A line on the session's stdin. */
    public Session message(UUID id, String content) {
        return http.call("POST", "/api/v1/sessions/" + id + "/messages", Map.of("content", content), Session.class);
    }

    /** A shell command in the session's working directory (only where the template allows exec). */
    public ExecResult exec(UUID id, String command, long timeoutMs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("timeout_ms", timeoutMs);
        return http.call("POST", "/api/v1/sessions/" + id + "/exec", body, ExecResult.class);
    }

    public SessionEvents events(UUID id, String after, int limit) {
        return http.call("GET", "/api/v1/sessions/" + id + "/events?limit=" + limit + (after == null ? "" : "&after=" + after), null,
                SessionEvents.class);
    }

    public Session cancel(UUID id) {
        return http.call("POST", "/api/v1/sessions/" + id + "/cancel", null, Session.class);
    }

    public Session archive(UUID id) {
        return http.call("POST", "/api/v1/sessions/" + id + "/archive", null, Session.class);
    }

    /** Writes a small file into the session's working directory. */
    public void putFile(UUID id, String path, byte[] content) {
        http.callBytes("PUT", "/api/v1/sessions/" + id + "/files/" + path, content, "application/octet-stream", Map.class);
    }

    public Page<SessionTemplateInfo> templates(PageRequest page) {
        return http.page("/api/v1/session-templates?" + page.query(), SessionTemplateInfo.class);
    }

    public Pods pods(UUID workerId, String status, int limit, long offset) {
        return http.call("GET", "/api/v1/workers/" + workerId + "/pods?limit=" + limit + "&offset=" + offset
                + (status == null ? "" : "&status=" + URLEncoder.encode(status, StandardCharsets.UTF_8)), null, Pods.class);
    }
}
