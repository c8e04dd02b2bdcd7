package dev.griddle.server.session;

import dev.griddle.server.engine.SessionStepResults;
import dev.griddle.server.engine.SessionSteps;
import dev.griddle.server.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code session} steps: starts a run step's session, and when the session exits (or goes idle,
 * for {@code wait_for: idle}) hands the step its result once: {@code {session_id, status,
 * exit_code, reason, output}} ({@code output}: its last {@value #LAST_LINES} output lines). Unless
 * the step says {@code keep}, a session still running then is cancelled.
 */
@Component
class SessionStepBridge implements SessionSteps {

    static final int LAST_LINES = 20;

    private final Sessions sessions;
    private final SessionStore store;
    private final JdbcClient jdbc;
    private final SessionStepResults results;

    SessionStepBridge(Sessions sessions, SessionStore store, JdbcClient jdbc, SessionStepResults results) {
        this.sessions = sessions;
        this.store = store;
        this.jdbc = jdbc;
        this.results = results;
        sessions.onChange(this::changed);
    }

    @Override
    public UUID start(UUID orgId, UUID projectId, UUID runId, String stepId, String template, String prompt, String waitFor, boolean keep) {
        if (template == null || prompt == null) {
            throw new IllegalArgumentException("template and prompt are required");
        }
        Session s;
        try {
            s = sessions.create(orgId, projectId, template, prompt, List.of(), JsonNodeFactory.instance.objectNode(), runId, stepId);
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        jdbc.sql("update sessions set wait_for = :w, step_keep = :k where id = :id").param("w", waitFor).param("k", keep).param("id", s.id())
                .update();
        return s.id();
    }

    @Override
    public void endForRun(UUID orgId, UUID runId, boolean cancelled) {
        List<UUID> live = jdbc.sql("select id from sessions where org_id = :org and run_id = :run and status in " + SessionStore.LIVE
                        + (cancelled ? "" : " and not step_keep") + " limit 1000")
                .param("org", orgId).param("run", runId).query(UUID.class).list();
        live.forEach(id -> sessions.cancel(orgId, id, cancelled ? "run_cancelled" : "run_ended"));
    }

    @Override
    public void endTimedOut(UUID orgId, UUID sessionId) {
        jdbc.sql("update sessions set step_reported = true where org_id = :org and id = :id").param("org", orgId).param("id", sessionId).update();
        sessions.cancel(orgId, sessionId, "step_timed_out");
    }

    private void changed(Sessions.SessionChange change) {
        Session s = change.session();
        if (s.runId() == null) {
            return;
        }
        String waitFor = jdbc.sql("select wait_for from sessions where id = :id").param("id", s.id()).query(String.class).optional().orElse("exit");
        boolean reached = s.ended() || ("idle".equals(waitFor) && s.status().equals("idle"));
        if (!reached) {
            return;
        }
        List<Boolean> claimed = jdbc.sql("update sessions set step_reported = true where id = :id and not step_reported returning step_keep")
                .param("id", s.id()).query(Boolean.class).list();
        if (claimed.isEmpty()) {
            return;
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode().put("session_id", s.id().toString()).put("status", s.status());
        if (s.exitCode() != null) {
            result.put("exit_code", s.exitCode());
        } else {
            result.putNull("exit_code");
        }
        result.put("reason", s.reason());
        result.put("output", String.join("\n", store.lastOutput(change.orgId(), s.id(), LAST_LINES)));
        results.reached(change.orgId(), s.runId(), s.stepId(), result, s.template(), s.initialPrompt(), waitFor);
        if (!s.ended() && !claimed.getFirst()) {
            sessions.cancel(change.orgId(), s.id(), "step_completed");
        }
    }
}
