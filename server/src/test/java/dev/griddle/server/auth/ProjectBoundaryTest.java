package dev.griddle.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Projects as a boundary (docs/security.md "Projects"): a key limited to project A cannot start,
 * reference, list or claim project B's work, and names are unique per project. A loopback receiver
 * records every request an http step sends, so "nothing ran" is observed, not assumed.
 */
class ProjectBoundaryTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    HttpServer receiver;
    final List<String> received = new CopyOnWriteArrayList<>();
    GriddleClient admin;
    UUID pa;
    UUID pb;
    GriddleClient ka;

    @BeforeEach
    void setUp() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = "{\"ok\": true}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        receiver.start();
        admin = newOrg();
        pa = admin.projects().create("pa", null).id();
        pb = admin.projects().create("pb", null).id();
        ka = client(admin.keys().create(new CreateKey("ka", "contributor", List.of(pa), null)).secret());
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    UUID runner(GriddleClient c, UUID project, String steps) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + (project == null ? "" : "\nproject_id: " + project) + "\n" + steps).id();
    }

    static RawResponse send(GriddleClient c, String method, String path, Object body) {
        return c.raw(method, path, body == null ? null : JSON.writeValueAsString(body), Map.of("Content-Type", "application/json"));
    }

    @Test
    void startingAnotherProjectsRunnerIsA404ThatWritesAndSendsNothing() {
        UUID rb = runner(admin, pb, """
                steps:
                  - {id: h, type: http, with: {method: GET, url: "%s"}}
                """.formatted(url("/b")));
        RawResponse start = send(ka, "POST", "/api/v1/runners/" + rb + "/runs",
                Map.of("step_overrides", Map.of("h", Map.of("with", Map.of("url", url("/attacker"))))));
        assertEnvelope(start, 404, "NOT_FOUND");

        assertThat(admin.runs().listForRunner(rb, dev.griddle.sdk.PageRequest.first()).data()).as("no run was created").isEmpty();
        assertThat(admin.runners().get(rb).latestVersion()).as("the draft was not published").isNull();
        assertThat(received).isEmpty();

        // the runner's own run, for the commands: each is a 404 for the limited key and changes nothing
        Run own = admin.runs().await(admin.runs().start(rb, dev.griddle.sdk.RunModels.StartRun.of(null)).id(), Duration.ofSeconds(20));
        assertThat(own.status()).isEqualTo("succeeded");
        for (String command : List.of("retry", "cancel", "pause", "resume")) {
            assertEnvelope(send(ka, "POST", "/api/v1/runs/" + own.id() + "/" + command, Map.of()), 404, "NOT_FOUND");
        }
        assertThat(admin.runs().get(own.id()).status()).isEqualTo("succeeded");
    }

    @Test
    void literalReferencesToAnotherProjectAreRefusedAtSaveUpdateAndPublish() {
        UUID rb = runner(admin, pb, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        UUID agentB = admin.agents().create(new dev.griddle.sdk.AgentModels.AgentInput("helper-b", null, null, null, null, pb)).id();

        String childStep = "steps:\n  - {id: c, type: runner, with: {runner_id: \"%s\"}}\n".formatted(rb);
        assertThat(fieldErrors(assertEnvelope(send(ka, "POST", "/api/v1/runners", Map.of("name", "x", "project_id", pa,
                "steps", List.of(Map.of("id", "c", "type", "runner", "with", Map.of("runner_id", rb.toString()))))), 422, "VALIDATION_FAILED")))
                .containsKey("steps[0].with.runner_id");
        // the rule is the runner's project, whatever the key: an admin cannot either
        assertThat(fieldErrors(assertEnvelope(send(admin, "POST", "/api/v1/runners", Map.of("name", "y", "project_id", pa,
                "steps", List.of(Map.of("id", "ask", "type", "llm", "with", Map.of("agent_id", agentB.toString(), "prompt", "hi"))))), 422,
                "VALIDATION_FAILED"))).containsKey("steps[0].with.agent_id");

        // an org-level runner may name anything; moving it into project A is checked too
        UUID orgLevel = runner(admin, null, childStep);
        assertThat(fieldErrors(assertEnvelope(send(admin, "PATCH", "/api/v1/runners/" + orgLevel, Map.of("project_id", pa)), 422,
                "VALIDATION_FAILED"))).containsKey("steps[0].with.runner_id");

        // publish: the target moved to another project after the draft was saved
        UUID ra1 = runner(admin, pa, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        UUID parent = runner(admin, pa, "steps:\n  - {id: c, type: runner, with: {runner_id: \"%s\"}}\n".formatted(ra1));
        assertThat(send(admin, "PATCH", "/api/v1/runners/" + ra1, Map.of("project_id", pb)).status()).isEqualTo(200);
        assertEnvelope(send(admin, "POST", "/api/v1/runners/" + parent + "/versions", Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(send(admin, "POST", "/api/v1/runners/" + parent + "/runs", Map.of()), 422, "VALIDATION_FAILED");
        assertThat(admin.runs().listForRunner(ra1, dev.griddle.sdk.PageRequest.first()).data()).isEmpty();
    }

    @Test
    void applyHoldsReferencesToTheRunnersProject() {
        UUID rb = runner(admin, pb, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        var e = expectError(422, "VALIDATION_FAILED", () -> admin.apply().yaml("""
                runners:
                  - name: parent
                    project_id: %s
                    steps: [{id: c, type: runner, with: {runner_id: "%s"}}]
                  - name: sibling
                    project_id: %s
                    steps: [{id: c, type: runner, with: {runner_id: parent}}]
                """.formatted(pa, rb, pb), false));
        assertThat(e.details().toString()).contains("runners[0].steps[0].with.runner_id").contains("runners[1].steps[0].with.runner_id");
        // inside one project, by name and to an object the bundle creates: fine
        admin.apply().yaml("""
                runners:
                  - {name: child, project_id: %s, steps: [{id: a, type: transform, with: {value: 1}}]}
                  - {name: parent, project_id: %s, steps: [{id: c, type: runner, with: {runner_id: child}}]}
                """.formatted(pa, pa), false);
    }

    @Test
    void templatedReferencesToAnotherProjectFailTheStepAtRunTime() {
        UUID rb = runner(admin, pb, """
                steps:
                  - {id: h, type: http, with: {method: GET, url: "%s"}}
                """.formatted(url("/b")));
        UUID agentB = admin.agents().create(new dev.griddle.sdk.AgentModels.AgentInput("agent-b", null, "openai/gpt-4o-mini", null, null, pb)).id();
        UUID ra = runner(ka, pa, "steps:\n  - {id: c, type: runner, with: {runner_id: \"{{ input.r }}\"}}\n");
        Run child = ka.runs().await(ka.runs().start(ra, dev.griddle.sdk.RunModels.StartRun.of(JSON.createObjectNode().put("r", rb.toString()))).id(),
                Duration.ofSeconds(20));
        assertThat(child.status()).isEqualTo("failed");
        assertThat(child.error().path("message").asString()).contains("cannot start child run of " + rb);
        assertThat(admin.runs().listForRunner(rb, dev.griddle.sdk.PageRequest.first()).data()).isEmpty();
        assertThat(received).isEmpty();

        UUID asks = runner(ka, pa, "steps:\n  - {id: ask, type: llm, with: {agent_id: \"{{ input.a }}\", prompt: hi}}\n");
        Run llm = ka.runs().await(ka.runs().start(asks, dev.griddle.sdk.RunModels.StartRun.of(JSON.createObjectNode().put("a", agentB.toString()))).id(),
                Duration.ofSeconds(20));
        assertThat(llm.status()).isEqualTo("failed");
        assertThat(llm.error().path("message").asString()).contains("no agent with id '" + agentB + "'");
    }

    @Test
    void theApprovalsInboxPlansAndThreadsOfAnotherProjectAreInvisible() {
        UUID rb = runner(admin, pb, "steps:\n  - {id: ok, type: approval, with: {message: \"secret plans\"}}\n");
        UUID runB = admin.runs().start(rb, dev.griddle.sdk.RunModels.StartRun.of(null)).id();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (admin.approvals().inbox("pending", dev.griddle.sdk.PageRequest.first()).data().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        var approval = admin.approvals().inbox("pending", dev.griddle.sdk.PageRequest.first()).data().getFirst();
        assertThat(approval.runId()).isEqualTo(runB);
        assertThat(ka.approvals().inbox("pending", dev.griddle.sdk.PageRequest.first()).data()).isEmpty();
        assertThat(json(send(ka, "GET", "/api/v1/approvals", null)).path("meta").path("total").asLong()).isZero();
        assertEnvelope(send(ka, "POST", "/api/v1/approvals/" + approval.id() + "/complete", Map.of("approved", true)), 404, "NOT_FOUND");

        UUID agentB = admin.agents().create(new dev.griddle.sdk.AgentModels.AgentInput("agent-b", null, null, null, null, pb)).id();
        String threadB = json(send(admin, "POST", "/api/v1/threads", Map.of("agent_id", agentB))).path("id").asString();
        assertThat(fieldErrors(assertEnvelope(send(ka, "POST", "/api/v1/plans", Map.of("title", "x", "thread_id", threadB)), 422,
                "VALIDATION_FAILED"))).containsKey("thread_id");
        assertThat(fieldErrors(assertEnvelope(send(ka, "POST", "/api/v1/plans", Map.of("title", "x", "run_id", runB)), 422,
                "VALIDATION_FAILED"))).containsKey("run_id");
        String planB = json(send(admin, "POST", "/api/v1/plans", Map.of("title", "b's plan", "thread_id", threadB))).path("id").asString();
        String orgPlan = json(send(admin, "POST", "/api/v1/plans", Map.of("title", "org plan"))).path("id").asString();
        for (String plan : List.of(planB, orgPlan)) {
            assertEnvelope(send(ka, "GET", "/api/v1/plans/" + plan, null), 404, "NOT_FOUND");
            assertEnvelope(send(ka, "PATCH", "/api/v1/plans/" + plan, Map.of("title", "mine")), 404, "NOT_FOUND");
            assertEnvelope(send(ka, "POST", "/api/v1/plans/" + plan + "/todos", Map.of("title", "t")), 404, "NOT_FOUND");
            assertEnvelope(send(ka, "DELETE", "/api/v1/plans/" + plan, null), 404, "NOT_FOUND");
        }
        assertThat(json(send(ka, "GET", "/api/v1/plans", null)).path("meta").path("total").asLong()).isZero();
        assertThat(json(send(admin, "GET", "/api/v1/plans/" + planB, null)).path("title").asString()).isEqualTo("b's plan");

        UUID agentA = admin.agents().create(new dev.griddle.sdk.AgentModels.AgentInput("agent-a", null, null, null, null, pa)).id();
        String threadA = json(send(ka, "POST", "/api/v1/threads", Map.of("agent_id", agentA))).path("id").asString();
        assertThat(send(ka, "POST", "/api/v1/plans", Map.of("title", "mine", "thread_id", threadA)).status()).isEqualTo(201);
        assertThat(json(send(ka, "GET", "/api/v1/plans", null)).path("meta").path("total").asLong()).isEqualTo(1);
    }

    @Test
    void aWorkerKeyLimitedToAProjectClaimsOnlyThatProjectsTasks() {
        GriddleClient worker = client(admin.keys().create(new CreateKey("wa", "worker", List.of(pa), null)).secret());
        RawResponse reg = send(worker, "POST", "/api/v1/workers", Map.of("name", "wa", "version", "1", "os", "linux", "arch", "amd64",
                "labels", List.of(), "task_types", List.of("deploy"), "max_concurrency", 4));
        assertThat(reg.status()).as(reg.body()).isIn(200, 201);
        String workerId = json(reg).path("id").asString();
        String task = "steps:\n  - {id: d, type: task, with: {task_type: deploy, input: {}}}\n";
        UUID runB = admin.runs().start(runner(admin, pb, task), dev.griddle.sdk.RunModels.StartRun.of(null)).id();
        UUID runOrg = admin.runs().start(runner(admin, null, task), dev.griddle.sdk.RunModels.StartRun.of(null)).id();
        RawResponse none = send(worker, "POST", "/api/v1/workers/" + workerId + "/claim", Map.of("max", 4, "wait_ms", 300));
        assertThat(none.status()).as("project B's and the org-level tasks are not for this key: " + none.body()).isEqualTo(204);

        UUID runA = admin.runs().start(runner(admin, pa, task), dev.griddle.sdk.RunModels.StartRun.of(null)).id();
        RawResponse claimed = send(worker, "POST", "/api/v1/workers/" + workerId + "/claim", Map.of("max", 4, "wait_ms", 5000));
        assertThat(claimed.status()).isEqualTo(200);
        JsonNode data = json(claimed).path("data");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).path("run_id").asString()).isEqualTo(runA.toString());

        // an all-projects worker key takes the rest; the limited admin's view of the history shows only project A's
        GriddleClient all = client(admin.keys().create(new CreateKey("wall", "worker", null, null)).secret());
        assertThat(send(all, "POST", "/api/v1/workers/" + workerId + "/claim", Map.of("max", 4, "wait_ms", 5000)).status()).isEqualTo(200);
        GriddleClient viewerA = client(admin.keys().create(new CreateKey("va", "viewer", List.of(pa), null)).secret());
        JsonNode history = json(send(viewerA, "GET", "/api/v1/workers/" + workerId + "/tasks", null)).path("data");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).path("run_id").asString()).isEqualTo(runA.toString());
        assertThat(json(send(admin, "GET", "/api/v1/workers/" + workerId + "/tasks", null)).path("meta").path("total").asLong()).isEqualTo(3);
        assertThat(List.of(runB, runOrg)).doesNotContain(runA);
    }

    @Test
    void namesAreUniquePerProjectAndA409NeverRevealsAnotherProjects() {
        assertThat(send(admin, "POST", "/api/v1/runners", Map.of("name", "same", "project_id", pb)).status()).isEqualTo(201);
        assertThat(send(ka, "POST", "/api/v1/runners", Map.of("name", "same", "project_id", pa)).status()).isEqualTo(201);
        assertEnvelope(send(ka, "POST", "/api/v1/runners", Map.of("name", "same", "project_id", pa)), 409, "CONFLICT");
        assertThat(send(admin, "POST", "/api/v1/runners", Map.of("name", "same")).status()).as("org-level namespace").isEqualTo(201);
        assertEnvelope(send(admin, "POST", "/api/v1/runners", Map.of("name", "same")), 409, "CONFLICT");

        assertThat(send(admin, "POST", "/api/v1/agents", Map.of("name", "helper", "project_id", pb)).status()).isEqualTo(201);
        assertThat(send(ka, "POST", "/api/v1/agents", Map.of("name", "helper", "project_id", pa)).status()).isEqualTo(201);
        assertEnvelope(send(ka, "POST", "/api/v1/agents", Map.of("name", "helper", "project_id", pa)), 409, "CONFLICT");
        assertThat(send(admin, "POST", "/api/v1/agents", Map.of("name", "helper")).status()).isEqualTo(201);
        assertEnvelope(send(admin, "POST", "/api/v1/agents", Map.of("name", "helper")), 409, "CONFLICT");

        // apply upserts by name within the object's project: the limited key's bundle creates its own, B's is untouched
        var applied = ka.apply().yaml("runners: [{name: same, project_id: %s, description: mine}]".formatted(pa), false);
        assertThat(applied.updated()).hasSize(1);
        assertThat(admin.runners().list(pb, dev.griddle.sdk.PageRequest.first()).data()).allMatch(r -> r.description() == null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fieldErrors(JsonNode envelope) {
        return JSON.convertValue(envelope.path("error").path("details").path("field_errors"), Map.class);
    }
}
