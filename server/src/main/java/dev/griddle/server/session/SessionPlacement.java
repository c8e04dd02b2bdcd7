package dev.griddle.server.session;

import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.secret.OrgSecrets;
import dev.griddle.server.secret.SecretException;
import dev.griddle.server.secret.SecretUse;
import dev.griddle.server.store.Sql;
import dev.griddle.server.worker.WorkerProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Placement of pending sessions on a polling worker: the oldest pending sessions whose template
 * and labels the host offers, within its free pod slots and the caller's projects, become
 * {@code starting} under a new lease token, each with a {@code start} command that carries the
 * template's secrets as environment values. A session whose secrets are unavailable fails
 * ({@code secret_unavailable}) instead. Runs inside the poll's transaction.
 */
@Component
class SessionPlacement {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SessionStore store;
    private final JdbcClient jdbc;
    private final Duration lease;
    private final OrgSecrets secrets;

    SessionPlacement(SessionStore store, JdbcClient jdbc, WorkerProperties workerProps, OrgSecrets secrets) {
        this.store = store;
        this.jdbc = jdbc;
        this.lease = workerProps.heartbeatTimeout();
        this.secrets = secrets;
    }

    /** The start commands for the sessions placed on {@code host}, whose ids are added to {@code placed}. */
    List<JsonNode> place(UUID orgId, ProjectScope scope, SessionHosts.Host host, int free, Instant now, List<UUID> placed) {
        List<String> names = new ArrayList<>();
        host.templates().forEach(t -> names.add(t.path("name").asString()));
        List<Session> pending = jdbc.sql("""
                select * from sessions where org_id = :org and status = 'pending' and template = any(cast(:names as text[])) and labels <@ cast(:labels as text[])
                  and (cast(:projects as uuid[]) is null or project_id = any(cast(:projects as uuid[])))
                order by created_at limit :free for update skip locked
                """).param("org", orgId).param("names", names.toArray(String[]::new)).param("labels", host.labels().toArray(String[]::new))
                .param("projects", scope.sqlArray()).param("free", free).query(store::session).list();
        List<JsonNode> starts = new ArrayList<>();
        for (Session s : pending) {
            JsonNode template = host.template(s.template());
            long token = s.leaseToken() + 1;
            jdbc.sql("""
                    update sessions set status = 'starting', worker_id = :w, lease_token = :token, lease_expires_at = :until,
                        exec_allowed = :exec, updated_at = :now where id = :id
                    """).param("w", host.id()).param("token", token).param("until", Sql.ts(now.plus(lease)))
                    .param("exec", template.path("exec").asBoolean(false)).param("now", Sql.ts(now)).param("id", s.id())
                    .update();
            store.event(orgId, s.id(), "status", NODES.objectNode().put("status", "starting").put("worker_id", host.id().toString())
                    .put("worker_name", host.name()), now);
            ObjectNode start = NODES.objectNode().put("kind", "start").put("session_id", s.id().toString()).put("lease_token", token)
                    .put("template", s.template()).put("initial_prompt", s.initialPrompt());
            try {
                start.set("env", env(orgId, s.projectId(), template.path("env_secrets")));
            } catch (SecretException | IllegalStateException e) {
                store.status(orgId, s.id(), "failed", null, "secret_unavailable", now);
                store.event(orgId, s.id(), "status", NODES.objectNode().put("status", "failed").put("reason", "secret_unavailable")
                        .put("message", e.getMessage()), now);
                continue;
            }
            placed.add(s.id());
            starts.add(start);
        }
        return starts;
    }

    /** The template's {@code env_secrets} as values, each a secret available to the session's project. */
    private ObjectNode env(UUID orgId, UUID projectId, JsonNode names) {
        ObjectNode env = NODES.objectNode();
        if (!names.isArray() || names.isEmpty()) {
            return env;
        }
        SecretUse use = SecretUse.once(orgId, projectId);
        ObjectNode placeholders = secrets.placeholders(use);
        for (JsonNode n : names) {
            String name = n.asString();
            if (!placeholders.has(name)) {
                throw new IllegalStateException("the template needs the secret '" + name + "', which is not available to the session's project");
            }
            env.put(name, secrets.reveal(use, StringNode.valueOf(placeholders.path(name).asString())).asString());
        }
        return env;
    }
}
