package dev.griddle.server.tenancy;

import static dev.griddle.server.tenancy.TenancyMatrix.Outsider.OTHER_ORG;
import static dev.griddle.server.tenancy.TenancyMatrix.Outsider.OTHER_PROJECT;

import dev.griddle.sdk.TriggersClient;
import dev.griddle.server.tenancy.TenancyMatrix.Expected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Organization A with projects PA and PB and, in PA, one of each resource the routes name; an
 * organization B; and the two outsider keys. Every id is registered in {@link #matrix} as the
 * value of the path variables that name it, with a valid body for each write. A new feature
 * joins by creating its resource in {@link #build} and registering its ids and bodies here.
 */
public final class TenancyFixture {

    /** Where the fixture's resources point: a fake MCP server, a database for integrations, the streaming fake provider's model. */
    public record Outside(String mcpUrl, String databaseUrl, String model) {
    }

    public final TenancyMatrix matrix = new TenancyMatrix();
    public final MatrixHttp http;
    public UUID orgA;
    public String adminA;
    public String projectLimited;
    public String adminB;
    /** A's key with the worker role (the worker protocol's calls). */
    public String workerKey;
    public UUID projectA;
    public UUID projectB;
    public UUID runner;
    public UUID waitingRun;
    public UUID taskId;
    public UUID webhookTrigger;
    public String webhookSecret;
    public String secretName;
    /** Agent G (in PA) and its thread with one answered message. */
    public UUID agent;
    public UUID thread;
    /** A's session (in PA, on A's host) and A's knowledge document (project PA): the console's session and knowledge pages. */
    public String session;
    public String document;
    /** A's experiment (cancelled), for the console's experiment pages. */
    public String experiment;

    /** In the names of A's resources ({@code runner-<tag>}, {@code agent-<tag>}...). */
    public final String tag = UUID.randomUUID().toString().substring(0, 8);
    /** A's ids the bodies refer to, by what they are. */
    private final Map<String, String> ids = new HashMap<>();
    private String workerBody;

    private TenancyFixture(MatrixHttp http) {
        this.http = http;
    }

    public static TenancyFixture build(MatrixHttp http, String instanceAdminKey, JdbcClient jdbc, Outside outside) {
        TenancyFixture f = new TenancyFixture(http);
        f.create(instanceAdminKey, jdbc, outside);
        return f;
    }

    private JsonNode post(String path, String body) {
        return http.ok(adminA, "POST", path, body);
    }

    private String id(JsonNode node) {
        return node.path("id").asString();
    }

    private void create(String instanceAdminKey, JdbcClient jdbc, Outside outside) {
        JsonNode a = http.ok(instanceAdminKey, "POST", "/api/v1/organizations", "{\"name\": \"matrix-a-" + tag + "\"}");
        orgA = UUID.fromString(id(a));
        adminA = a.path("admin_key").asString();
        adminB = http.ok(instanceAdminKey, "POST", "/api/v1/organizations", "{\"name\": \"matrix-b-" + tag + "\"}").path("admin_key").asString();
        projectA = UUID.fromString(id(post("/api/v1/projects", "{\"name\": \"pa-" + tag + "\"}")));
        projectB = UUID.fromString(id(post("/api/v1/projects", "{\"name\": \"pb-" + tag + "\"}")));
        JsonNode limited = post("/api/v1/keys", "{\"name\": \"pb-admin\", \"role\": \"admin\", \"project_ids\": [\"" + projectB + "\"]}");
        projectLimited = limited.path("secret").asString();
        String contributor = id(post("/api/v1/keys", "{\"name\": \"a-contributor\", \"role\": \"contributor\"}"));
        JsonNode workerKey = post("/api/v1/keys", "{\"name\": \"a-worker\", \"role\": \"worker\"}");
        this.workerKey = workerKey.path("secret").asString();
        String adminKeyId = http.ok(adminA, "GET", "/api/v1/keys", null).path("data").findValuesAsString("id").stream()
                .filter(k -> !k.equals(id(limited)) && !k.equals(contributor) && !k.equals(id(workerKey))).findFirst().orElseThrow();
        matrix.variable("/api/v1/organizations/{id}", orgA.toString()).variable("/api/v1/projects/{id}", projectA.toString())
                .variable("/api/v1/keys/{id}", contributor)
                .hidden(projectA.toString(), false).hidden("pa-" + tag, false).hidden(projectB.toString(), true).hidden(orgA.toString(), true)
                .hidden(adminKeyId, false).hidden(contributor, false).hidden(id(workerKey), false).hidden(id(limited), true);

        connectionObjects(outside);
        runnerWithRuns(jdbc, workerKey.path("secret").asString());
        session(workerKey.path("secret").asString());
        datasetAndExperiment();
        agentWithThread(outside);
        knowledge();
        bodies();
        exceptions();
    }

    /** The org-wide objects: a skill, a custom tool, an integration, an MCP server, a secret. */
    private void connectionObjects(Outside outside) {
        String skill = id(post("/api/v1/skills", "{\"name\": \"skill-" + tag + "\", \"description\": \"d\", \"instructions\": \"be brief\"}"));
        String tool = id(post("/api/v1/tools", """
                {"name": "tool_%s", "description": "d", "parameters": {"type": "object"}, "http": {"method": "GET", "url": "http://127.0.0.1:9/tool"}}
                """.formatted(tag)));
        String integration = id(post("/api/v1/integrations", """
                {"name": "db_%s", "kind": "postgresql", "url": "%s", "username": "postgres", "password": "pw-matrix"}
                """.formatted(tag, outside.databaseUrl())));
        String mcp = id(post("/api/v1/mcp-servers", """
                {"name": "mcp %s", "slug": "mcp%s", "transport": "streamable_http", "url": "%s", "headers": {"Authorization": "Bearer matrix"}}
                """.formatted(tag, tag.replace("-", ""), outside.mcpUrl())));
        secretName = "MATRIX_" + tag.replace("-", "").toUpperCase();
        http.ok(adminA, "PUT", "/api/v1/secrets/" + secretName, "{\"value\": \"matrix-secret-value\"}");
        matrix.variable("/api/v1/skills/{id}", skill).variable("/api/v1/tools/{id}", tool).variable("/api/v1/integrations/{id}", integration)
                .variable("/api/v1/mcp-servers/{id}", mcp).variable("/api/v1/secrets/{name}", secretName)
                .hidden(skill, true).hidden(tool, true).hidden(integration, true).hidden(mcp, true).hidden(secretName, true);
        ids.put("skill", skill);
        ids.put("tool", tool);
        ids.put("integration", integration);
        ids.put("mcp", mcp);
    }

    /**
     * Runner R in PA (draft and published version, triggers, a notification, a budget, connections),
     * its run waiting on an approval, a webhook delivery's run, and a task runner whose first run a
     * worker finished (task history) and whose second run's task waits in the queue.
     */
    private void runnerWithRuns(JdbcClient jdbc, String workerKey) {
        runner = UUID.fromString(id(post("/api/v1/runners", """
                {"name": "runner-%s", "project_id": "%s", "steps": [
                  {"id": "t", "type": "transform", "with": {"value": {"ok": true}}},
                  {"id": "a", "type": "approval", "needs": ["t"], "with": {"message": "matrix approval %s"}}]}
                """.formatted(tag, projectA, tag))));
        String r = "/api/v1/runners/" + runner;
        waitingRun = UUID.fromString(id(post(r + "/runs", "{\"input\": {}}")));
        JsonNode approval = await(() -> http.ok(adminA, "GET", "/api/v1/runs/" + waitingRun + "/approvals", null).path("data").path(0),
                n -> !n.isMissingNode());
        http.ok(adminA, "PATCH", r, "{\"description\": \"draft after version 1\"}");
        String cron = id(post(r + "/triggers", "{\"type\": \"cron\", \"cron\": {\"schedule\": \"0 0 1 1 *\", \"timezone\": \"UTC\"}}"));
        JsonNode webhook = post(r + "/triggers", "{\"type\": \"webhook\", \"signature_scheme\": \"hmac-sha256\"}");
        webhookTrigger = UUID.fromString(id(webhook));
        webhookSecret = webhook.path("signing_secret").asString();
        String delivery = "{\"from\": \"hook\"}";
        MatrixHttp.Answer hook = http.send(null, "POST", "/hooks/" + webhookTrigger, delivery,
                Map.of("X-Griddle-Signature", TriggersClient.sign(webhookSecret, delivery.getBytes(StandardCharsets.UTF_8))));
        if (hook.status() != 202) {
            throw new IllegalStateException("signed delivery answered " + hook.status() + ": " + hook.body());
        }
        String hookRun = hook.json().path("run_id").asString();
        String notification = id(post(r + "/notifications", "{\"url\": \"http://127.0.0.1:9/notify\", \"events\": [\"run_failed\"]}"));
        http.ok(adminA, "PUT", r + "/budget", "{\"max_cost_usd_per_run\": 5, \"on_exceed\": \"fail\"}");
        connect(r);
        post("/api/v1/traces/" + waitingRun + "/evaluations", "{\"name\": \"matrix\", \"score\": 1}");

        String taskRunner = id(post("/api/v1/runners", """
                {"name": "tasks-%s", "project_id": "%s", "steps": [{"id": "job", "type": "task", "with": {"task_type": "matrix", "input": {"n": 1}}}]}
                """.formatted(tag, projectA)));
        String worker = id(http.ok(workerKey, "POST", "/api/v1/workers",
                "{\"name\": \"w-%s\", \"task_types\": [\"matrix\"], \"max_concurrency\": 2}".formatted(tag)));
        String doneRun = id(post("/api/v1/runners/" + taskRunner + "/runs", "{\"input\": {}}"));
        JsonNode claimed = http.ok(workerKey, "POST", "/api/v1/workers/" + worker + "/claim", "{\"max\": 1, \"wait_ms\": 5000}").path("data").path(0);
        http.ok(workerKey, "POST", "/api/v1/tasks/" + id(claimed) + "/complete",
                "{\"lease_token\": " + claimed.path("lease_token").asLong() + ", \"output\": {\"done\": true}}");
        await(() -> http.ok(adminA, "GET", "/api/v1/runs/" + doneRun, null).path("status"), s -> s.asString().equals("succeeded"));
        String queuedRun = id(post("/api/v1/runners/" + taskRunner + "/runs", "{\"input\": {}}"));
        taskId = await(() -> jdbc.sql("select id from tasks where run_id = :run").param("run", UUID.fromString(queuedRun)).query(UUID.class)
                .optional().orElse(null), t -> t != null);
        workerBody = "{\"name\": \"w-%s\", \"task_types\": [\"matrix\"], \"max_concurrency\": 2}".formatted(tag);

        matrix.variable("/api/v1/runners/{id}", runner.toString()).variable("/api/v1/runners/{runnerId}", runner.toString())
                .variable("/api/v1/runners/{id}/versions/{version}", "1").variable("/api/v1/runs/{id}", waitingRun.toString())
                .variable("/api/v1/runs/{runId}", waitingRun.toString()).variable("/api/v1/approvals/{id}", id(approval))
                .variable("/api/v1/triggers/{id}", webhookTrigger.toString()).variable("/hooks/{triggerId}", webhookTrigger.toString())
                .variable("/api/v1/notifications/{id}", notification).variable("/api/v1/traces/{id}", waitingRun.toString())
                .variable("/api/v1/tasks/{id}", taskId.toString()).variable("/api/v1/workers/{id}", worker);
        for (String hidden : new String[] {runner.toString(), "runner-" + tag, waitingRun.toString(), id(approval), "matrix approval " + tag,
                cron, webhookTrigger.toString(), hookRun, notification, taskRunner, doneRun, queuedRun, taskId.toString()}) {
            matrix.hidden(hidden, false);
        }
        matrix.hidden(worker, true);
    }

    /**
     * Dataset D of runner R with one given case, and an experiment of R's version 1 over it,
     * cancelled at once (so no background write moves A's rows while the matrix runs).
     */
    private void datasetAndExperiment() {
        JsonNode dataset = post("/api/v1/datasets", "{\"name\": \"dataset-" + tag + "\", \"runner_id\": \"" + runner
                + "\", \"cases\": [{\"input\": {}, \"expected\": {\"t\": {\"ok\": true}}}]}");
        String datasetId = id(dataset);
        String caseId = dataset.path("cases").path(0).path("id").asString();
        String experiment = id(post("/api/v1/experiments", "{\"dataset_id\": \"" + datasetId + "\", \"runner_id\": \"" + runner
                + "\", \"version\": 1}"));
        post("/api/v1/experiments/" + experiment + "/cancel", null);
        // a case run started before the cancel ends asynchronously: wait until none is live
        await(() -> http.ok(adminA, "GET", "/api/v1/runs?trigger_type=experiment&runner_id=" + runner + "&per_page=100", null).path("data"),
                runs -> runs.valueStream().allMatch(r -> Set.of("succeeded", "failed", "cancelled").contains(r.path("status").asString())));
        this.experiment = experiment;
        matrix.variable("/api/v1/datasets/{id}", datasetId).variable("/api/v1/datasets/{id}/cases/{caseId}", caseId)
                .variable("/api/v1/experiments/{id}", experiment)
                .hidden(datasetId, false).hidden("dataset-" + tag, false).hidden(caseId, false).hidden(experiment, false)
                .body("POST /api/v1/datasets", true, "{\"name\": \"dataset2-" + tag + "\", \"runner_id\": \"" + runner
                        + "\", \"cases\": [{\"input\": {}}]}")
                .body("POST /api/v1/datasets/{id}/cases", false, "{\"cases\": [{\"input\": {\"n\": 2}}]}")
                .body("POST /api/v1/experiments", true, "{\"dataset_id\": \"" + datasetId + "\", \"runner_id\": \"" + runner
                        + "\", \"version\": 1}")
                .body("PUT /api/v1/runners/{id}/publish-gate", false, "{\"dataset_id\": \"" + datasetId + "\", \"min_pass_rate\": 0.5}")
                .query("GET /api/v1/experiments", "runner_id=" + runner).query("GET /api/v1/datasets", "runner_id=" + runner);
    }

    /**
     * Session S in PA (pending: its host announces the template but never polls), on a host of its
     * own that takes no tasks.
     */
    private void session(String workerKey) {
        String host = id(http.ok(workerKey, "POST", "/api/v1/workers", """
                {"name": "pods-%s", "max_pods": 1, "session_templates": [{"name": "matrix-agent", "exec": true}]}
                """.formatted(tag)));
        String session = id(post("/api/v1/sessions", """
                {"template": "matrix-agent", "initial_prompt": "matrix session %s", "project_id": "%s"}
                """.formatted(tag, projectA)));
        this.session = session;
        matrix.variable("/api/v1/sessions/{id}", session).variable("/api/v1/sessions/{id}/files/{path}", "notes.txt");
        matrix.hidden(session, false).hidden("matrix session " + tag, false).hidden(host, true);
        String subscription = id(post("/api/v1/notifications/subscriptions", "{\"url\": \"http://127.0.0.1:9/org\", \"events\": [\"session.*\"]}"));
        matrix.variable("/api/v1/notifications/subscriptions/{id}", subscription).hidden(subscription, false);
        matrix.body("POST /api/v1/notifications/subscriptions", false, "{\"url\": \"http://127.0.0.1:9/o\", \"events\": [\"session.failed\"]}");
        matrix.body("POST /api/v1/sessions", true, """
                        {"template": "matrix-agent", "initial_prompt": "x", "project_id": "%s"}""".formatted(projectA))
                .body("POST /api/v1/sessions/{id}/messages", false, "{\"content\": \"hi\"}")
                .body("POST /api/v1/sessions/{id}/exec", false, "{\"command\": \"id\", \"timeout_ms\": 1000}")
                .body("PUT /api/v1/sessions/{id}/files/{path}", false, "\"notes\"")
                .body("POST /api/v1/workers/{id}/sessions/poll", false, "{\"wait_ms\": 0}")
                .body("POST /api/v1/workers/{id}/sessions/report", false, """
                        {"reports": [{"session_id": "%s", "lease_token": 1, "events": [{"seq": 1, "type": "output", "line": "forged"}]}]}"""
                        .formatted(session));
        matrix.exception("GET /api/v1/workers/{id}/pods", OTHER_PROJECT, Expected.list("the host is readable; its pods show only the key's projects' sessions"))
                .exception("POST /api/v1/workers/{id}/sessions/poll", OTHER_PROJECT, Expected.of("a protocol verb for any key of the org: places only "
                        + "sessions of the key's projects (none in PB) and re-stamps the host's heartbeat", 200).changing("workers"))
                .exception("POST /api/v1/workers/{id}/sessions/report", OTHER_PROJECT, Expected.of("answers the session as lost: the key holds no lease "
                        + "on it, and nothing is applied", 200));
    }

    /** Every connection kind on a runner or agent: tools, MCP servers, integrations, skills, web and plan settings, knowledge scopes. */
    private void connect(String owner) {
        post(owner + "/tools", "{\"tool_id\": \"" + ids.get("tool") + "\"}");
        post(owner + "/mcps", "{\"mcp_server_id\": \"" + ids.get("mcp") + "\"}");
        post(owner + "/integrations", "{\"integration_id\": \"" + ids.get("integration") + "\"}");
        post(owner + "/skills", "{\"skill_id\": \"" + ids.get("skill") + "\"}");
        http.ok(adminA, "PUT", owner + "/web", "{\"enabled\": true}");
        http.ok(adminA, "PUT", owner + "/plan", "{\"enabled\": true}");
        http.ok(adminA, "PUT", owner + "/knowledge", "{\"scopes\": [{\"scope_type\": \"project\", \"scope_id\": \"" + projectA + "\"}]}");
    }

    /** Agent G in PA with credentials and connections, its thread with one answered message, and a plan on the thread with todos. */
    private void agentWithThread(Outside outside) {
        String agent = id(post("/api/v1/agents", """
                {"name": "agent-%s", "model": "%s", "instructions": "answer", "project_id": "%s"}
                """.formatted(tag, outside.model(), projectA)));
        String g = "/api/v1/agents/" + agent;
        http.ok(adminA, "PUT", g + "/credentials", "{\"openai_api_key\": \"sk-matrix-" + tag + "\"}");
        connect(g);
        String thread = id(post("/api/v1/threads", "{\"agent_id\": \"" + agent + "\", \"title\": \"thread-" + tag + "\"}"));
        http.drain(adminA, "POST", "/api/v1/threads/" + thread + "/messages", "{\"content\": \"hello\"}");
        await(() -> http.ok(adminA, "GET", "/api/v1/threads/" + thread + "/messages", null).path("data").size(), n -> n >= 2);
        String plan = id(post("/api/v1/plans", "{\"title\": \"plan-" + tag + "\", \"thread_id\": \"" + thread + "\"}"));
        String p = "/api/v1/plans/" + plan;
        String first = id(post(p + "/todos", "{\"title\": \"first\"}"));
        String second = id(post(p + "/todos", "{\"title\": \"second\"}"));
        String third = id(post(p + "/todos", "{\"title\": \"third\"}"));
        post(p + "/todos/" + first + "/deps", "{\"blocked_by\": \"" + second + "\"}");
        ids.put("second", second);
        ids.put("third", third);
        ids.put("thread", thread);
        ids.put("agent", agent);
        this.agent = UUID.fromString(agent);
        this.thread = UUID.fromString(thread);
        String memory = id(post(g + "/memory", "{\"text\": \"memory-" + tag + "\", \"user\": \"ann\"}"));
        matrix.variable("/api/v1/agents/{id}/memory/{entryId}", memory).hidden(memory, false).hidden("memory-" + tag, false);
        matrix.variable("/api/v1/agents/{id}", agent).variable("/api/v1/threads/{id}", thread).variable("/api/v1/plans/{id}", plan)
                .variable("/api/v1/plans/{id}/todos/{todoId}", first);
        for (String hidden : new String[] {agent, "agent-" + tag, thread, "thread-" + tag, plan, "plan-" + tag, first, second, third}) {
            matrix.hidden(hidden, false);
        }
    }

    /** A knowledge document of project PA, ingested (so no background write moves A's rows while the matrix runs). */
    private void knowledge() {
        String document = id(post("/api/v1/knowledge", """
                {"title": "doc-%s", "text": "The matrix document %s.", "scope_type": "project", "scope_id": "%s", "metadata": {"k": "v"}}
                """.formatted(tag, tag, projectA)));
        await(() -> http.ok(adminA, "GET", "/api/v1/knowledge/" + document, null).path("status").asString(), s -> !s.equals("processing"));
        this.document = document;
        matrix.variable("/api/v1/knowledge/{id}", document).hidden(document, false).hidden("doc-" + tag, false)
                .body("POST /api/v1/knowledge", true, "{\"title\": \"doc2-" + tag + "\", \"text\": \"more\", \"scope_type\": \"project\", \"scope_id\": \""
                        + projectA + "\"}")
                .body("POST /api/v1/knowledge/search", true, "{\"query\": \"matrix\", \"scope_type\": \"project\", \"scope_id\": \"" + projectA
                        + "\", \"top_k\": 3, \"filter\": {\"document_ids\": [\"" + document + "\"], \"metadata\": {\"k\": \"v\"}}}")
                .body("POST /api/v1/knowledge/upload", true, "{}")
                .query("GET /api/v1/knowledge", "scope_type=project&scope_id=" + projectA);
    }

    /** For each write, the body that would succeed for A's own admin. */
    private void bodies() {
        String pa = projectA.toString();
        String steps = "[{\"id\": \"t\", \"type\": \"transform\", \"with\": {\"value\": 1}}]";
        String connectionsOf = "%1$s/tools|{\"tool_id\": \"" + ids.get("tool") + "\"}\n%1$s/mcps|{\"mcp_server_id\": \"" + ids.get("mcp") + "\"}\n"
                + "%1$s/integrations|{\"integration_id\": \"" + ids.get("integration") + "\"}\n%1$s/skills|{\"skill_id\": \"" + ids.get("skill")
                + "\"}";
        for (String owner : new String[] {"/api/v1/runners/{id}", "/api/v1/agents/{id}"}) {
            for (String line : connectionsOf.formatted(owner).split("\n")) {
                String[] parts = line.split("\\|");
                matrix.body("POST " + parts[0], false, parts[1]).body("DELETE " + parts[0], false, parts[1]);
            }
            matrix.body("PUT " + owner + "/web", false, "{\"enabled\": false}").body("PUT " + owner + "/plan", false, "{\"enabled\": false}")
                    .body("PUT " + owner + "/knowledge", false, "{\"scopes\": [{\"scope_type\": \"org\"}]}");
        }
        matrix.body("POST /api/v1/agents", true, "{\"name\": \"agent2-" + tag + "\", \"model\": \"openai/x\", \"project_id\": \"" + pa + "\"}")
                .body("PATCH /api/v1/agents/{id}", false, "{\"description\": \"changed\"}")
                .body("PUT /api/v1/agents/{id}/credentials", false, "{\"openai_api_key\": \"sk-changed\"}")
                .body("POST /api/v1/agents/{id}/memory", false, "{\"text\": \"planted\", \"user\": \"ann\"}")
                .body("POST /api/v1/agents/{id}/memory/search", false, "{\"query\": \"memory\", \"user\": \"ann\", \"top_k\": 5}")
                .body("PUT /api/v1/agents/{id}/memory/settings", false, "{\"auto_index_turns\": true}")
                .body("POST /api/v1/apply", true, "{\"runners\": [{\"name\": \"applied-" + tag + "\", \"project_id\": \"" + pa + "\", \"steps\": "
                        + steps + "}]}")
                .body("POST /api/v1/approvals/{id}/complete", false, "{\"approved\": true, \"comment\": \"ok\"}")
                .body("POST /api/v1/integrations", false, "{\"name\": \"db2_" + tag + "\", \"kind\": \"postgresql\", \"url\": \"jdbc:postgresql://127.0.0.1:9/x\","
                        + " \"username\": \"u\", \"password\": \"p\"}")
                .body("PATCH /api/v1/integrations/{id}", false, "{\"name\": \"renamed\"}")
                .body("POST /api/v1/keys", true, "{\"name\": \"k\", \"role\": \"viewer\", \"project_ids\": [\"" + pa + "\"]}")
                .body("POST /api/v1/mcp-servers", false, "{\"name\": \"m2\", \"slug\": \"m2\", \"transport\": \"streamable_http\", \"url\": \"http://127.0.0.1:9/mcp\"}")
                .body("PATCH /api/v1/mcp-servers/{id}", false, "{\"name\": \"renamed\"}")
                .body("POST /api/v1/organizations", false, "{\"name\": \"o-" + tag + "\"}")
                .body("POST /api/v1/plans", true, "{\"title\": \"p2\", \"thread_id\": \"" + ids.get("thread") + "\"}")
                .body("PATCH /api/v1/plans/{id}", false, "{\"title\": \"renamed\"}")
                .body("POST /api/v1/plans/{id}/todos", false, "{\"title\": \"fourth\"}")
                .body("PATCH /api/v1/plans/{id}/todos/{todoId}", false, "{\"status\": \"done\"}")
                .body("POST /api/v1/plans/{id}/todos/{todoId}/deps", false, "{\"blocked_by\": \"" + ids.get("third") + "\"}")
                .body("DELETE /api/v1/plans/{id}/todos/{todoId}/deps", false, "{\"blocked_by\": \"" + ids.get("second") + "\"}")
                .body("POST /api/v1/projects", false, "{\"name\": \"p-" + tag + "\"}")
                .body("PATCH /api/v1/projects/{id}", false, "{\"name\": \"renamed\"}")
                .body("POST /api/v1/runners", true, "{\"name\": \"r2-" + tag + "\", \"project_id\": \"" + pa + "\", \"steps\": " + steps + "}")
                .body("PATCH /api/v1/runners/{id}", false, "{\"description\": \"changed\"}")
                .body("PUT /api/v1/runners/{id}/budget", false, "{\"max_cost_usd_per_run\": 1, \"on_exceed\": \"pause\"}")
                .body("POST /api/v1/runners/{runnerId}/notifications", false, "{\"url\": \"http://127.0.0.1:9/n\", \"events\": [\"run_succeeded\"]}")
                .body("POST /api/v1/runners/{runnerId}/runs", false, "{\"input\": {}}")
                .body("POST /api/v1/runners/{runnerId}/triggers", false, "{\"type\": \"webhook\"}")
                .body("POST /api/v1/runs/{id}/cancel", false, "{\"mode\": \"immediate\"}")
                .body("POST /api/v1/runs/{id}/replay", false, "{\"mode\": \"strict\"}")
                .body("POST /api/v1/runs/{id}/resume", false, "{}")
                .body("PUT /api/v1/secrets/{name}", false, "{\"value\": \"overwritten\"}")
                .body("POST /api/v1/skills", false, "{\"name\": \"s2-" + tag + "\", \"description\": \"d\", \"instructions\": \"i\"}")
                .body("PATCH /api/v1/skills/{id}", false, "{\"description\": \"changed\"}")
                .body("POST /api/v1/tasks/{id}/complete", false, "{\"lease_token\": 1, \"output\": {}}")
                .body("POST /api/v1/tasks/{id}/fail", false, "{\"lease_token\": 1, \"error\": {\"message\": \"no\"}}")
                .body("POST /api/v1/tasks/{id}/heartbeat", false, "{\"lease_token\": 1}")
                .body("POST /api/v1/tasks/{id}/logs", false, "{\"lease_token\": 1, \"lines\": [\"x\"]}")
                .body("POST /api/v1/threads", true, "{\"agent_id\": \"" + ids.get("agent") + "\"}")
                .body("POST /api/v1/threads/{id}/messages", false, "{\"content\": \"hi\"}")
                .body("POST /api/v1/tools", false, "{\"name\": \"t2_" + tag.replace("-", "") + "\", \"description\": \"d\", \"parameters\": {\"type\": \"object\"},"
                        + " \"http\": {\"method\": \"GET\", \"url\": \"http://127.0.0.1:9/t\"}}")
                .body("PATCH /api/v1/tools/{id}", false, "{\"description\": \"changed\"}")
                .body("POST /api/v1/traces/{id}/evaluations", false, "{\"name\": \"e\", \"score\": 0.5}")
                .body("PATCH /api/v1/triggers/{id}", false, "{\"enabled\": false}")
                .body("POST /api/v1/triggers/{id}/rotate-secret", false, "{\"grace_period_seconds\": 0}")
                .body("POST /api/v1/workers", false, workerBody)
                .body("POST /api/v1/workers/{id}/claim", false, "{\"max\": 1, \"wait_ms\": 0}")
                .body("POST /hooks/{triggerId}", false, "{\"unsigned\": true}");
        matrix.query("GET /api/v1/agents/{id}/memory", "user=ann").query("DELETE /api/v1/agents/{id}/memory", "user=ann")
                .query("GET /api/v1/runs", "runner_id=" + runner).query("GET /api/v1/threads", "agent_id=" + ids.get("agent"))
                .query("GET /api/v1/plans", "thread_id=" + ids.get("thread")).query("GET /api/v1/traces", "runner_id=" + runner)
                .query("GET /api/v1/approvals", "status=pending").query("GET /api/v1/analytics/summary", "window=all&runner_id=" + runner)
                .query("GET /api/v1/analytics/timeseries", "metric=runs&granularity=day");
    }

    /** The listed exceptions to the rules, each with its reason. */
    private void exceptions() {
        for (var who : TenancyMatrix.Outsider.values()) {
            matrix.exception("POST /hooks/{triggerId}", who, Expected.of("webhook ingress is authenticated by the trigger's signature, not by a key; "
                    + "the refused attempt is written to the trigger's delivery log, for its owner to see", 401).changing("webhook_delivery_log"));
        }
        for (var who : TenancyMatrix.Outsider.values()) {
            matrix.exception("POST /api/v1/knowledge/upload", who, Expected.of("multipart only: the matrix's JSON body is refused (400, naming the content type) before any "
                    + "scope is read; KnowledgeTenancyTest uploads into A's scopes as both outsiders", 400));
        }
        matrix.exception("PUT /api/v1/secrets/{name}", OTHER_ORG, Expected.of("an upsert by name: creates B's own secret, A's is untouched", 200, 201))
                .exception("DELETE /api/v1/secrets/{name}", OTHER_ORG, Expected.of("deletes B's own secret of that name (the upsert's), never A's", 204, 404))
                .exception("POST /api/v1/workers", OTHER_PROJECT, Expected.of("registering the same worker again with the same description: "
                        + "a worker host may hold a project-limited key; it re-stamps the row's updated_at", 200).changing("workers"))
                .exception("GET /api/v1/workers/{id}", OTHER_PROJECT, Expected.of("workers are org infrastructure: readable by every key of the org", 200))
                .exception("GET /api/v1/workers/{id}/tasks", OTHER_PROJECT, Expected.list("the worker is readable; its history shows only the key's projects' runs"))
                .exception("POST /api/v1/workers/{id}/heartbeat", OTHER_PROJECT, Expected.of("a protocol verb for any key of the org: liveness only", 200))
                .exception("POST /api/v1/workers/{id}/claim", OTHER_PROJECT, Expected.of("claims only tasks of the key's projects: none in PB", 204))
                .exception("POST /api/v1/workers/{id}/drain", OTHER_PROJECT, Expected.of("draining an org-wide worker is for keys for all projects", 403))
                .exception("POST /api/v1/mcp-servers/{id}/validate", OTHER_PROJECT, Expected.of("a read sent as POST: connects to the destination "
                        + "a key for all projects set and lists its tools, changing nothing (like GET .../tools)", 200));
    }

    static <T> T await(Supplier<T> probe, Predicate<T> done) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("fixture: still waiting after 30 s, last value " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
