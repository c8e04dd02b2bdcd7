package dev.griddle.server.tenancy;

import static dev.griddle.server.tenancy.TenancyMatrix.Outsider.OTHER_ORG;
import static dev.griddle.server.tenancy.TenancyMatrix.Outsider.OTHER_PROJECT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.TriggersClient;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.tenancy.TenancyMatrix.Operation;
import dev.griddle.server.thread.FakeStreamingProvider;
import dev.griddle.server.tool.mcp.TestMcpServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The tenancy rules over every operation the server documents, called as another organization's
 * admin and as an admin of the same organization limited to another project (see
 * docs/security.md, "Tests that keep the class closed"). Each test collects every violation and
 * fails once with the whole list. The garbage sweep ({@link GarbageSweep}) runs on the same fixture,
 * last, since garbage a route accepts may change the fixture's resources.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenancyMatrixTest extends ApiTest {

    static final FakeStreamingProvider PROVIDER = new FakeStreamingProvider();
    static final String MODEL = "openai/matrix-model";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** A variable right after the version, or two variables in a row: a collection or sub-resource name left to a regex. */
    private static final Pattern NAME_AS_VARIABLE = Pattern.compile("^/api/v1/\\{|}/\\{[^}]+}(/|$)");

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("griddle.openai.base-url", PROVIDER::baseUrl);
        registry.add("griddle.openai.api-key", () -> "sk-test");
        registry.add("griddle.llm.models[0].id", () -> MODEL);
        registry.add("griddle.llm.models[0].context-window", () -> "8000");
    }

    @Autowired
    JdbcClient jdbc;

    private TestMcpServer mcp;
    private TenancyFixture fixture;
    private JsonNode document;

    @BeforeAll
    void fixture() throws Exception {
        mcp = TestMcpServer.start();
        String database = TestDatabase.seeded("create table orders (id int primary key)");
        MatrixHttp http = new MatrixHttp(baseUrl());
        fixture = TenancyFixture.build(http, INSTANCE_ADMIN_KEY, jdbc, new TenancyFixture.Outside(mcp.url(), database, MODEL));
        document = http.send(null, "GET", "/api/v1/openapi.json", null).json();
    }

    @AfterAll
    void stop() throws Exception {
        mcp.close();
    }

    static List<Operation> operations(JsonNode document) {
        List<Operation> out = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                out.add(new Operation(op.getKey().toUpperCase(), path.getKey(), op.getValue().has("requestBody")));
            }
        }));
        return out;
    }

    @Test
    void everyDocumentedOperationKeepsOtherTenantsOut() {
        List<Operation> operations = operations(document);
        assertThat(operations).hasSizeGreaterThan(100);
        TenantRows rows = new TenantRows(jdbc, fixture.orgA);
        Map<String, Long> before = rows.counts();

        List<String> violations = fixture.matrix.run(operations, Map.of(OTHER_ORG, fixture.adminB, OTHER_PROJECT, fixture.projectLimited),
                fixture.http, rows);

        Map<String, Long> after = rows.counts();
        before.forEach((table, n) -> {
            if (!n.equals(after.get(table)) && !fixture.matrix.mayChange().contains(table)) {
                violations.add("after the whole matrix, A's rows in " + table + " went from " + n + " to " + after.get(table));
            }
        });
        assertThat(violations).withFailMessage(() -> violations.size() + " tenancy violations:\n" + String.join("\n", violations)).isEmpty();
    }

    @Test
    void theDocumentNamesEveryRouteExplicitly() {
        List<String> violations = new ArrayList<>();
        document.path("paths").properties().forEach(path -> {
            String p = path.getKey();
            if (p.equals("/error") || p.startsWith("/error/")) {
                violations.add(p + " is the container's error page, not a route");
            }
            if (NAME_AS_VARIABLE.matcher(p).find() || p.contains(":") || p.contains("|")) {
                violations.add(p + " leaves a resource name to a variable (a regex alternative?): write the paths out");
            }
        });
        assertThat(violations).withFailMessage(() -> String.join("\n", violations)).isEmpty();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyWriteRouteAnswersGarbageWithA4xxEnvelope() {
        GarbageSweep sweep = new GarbageSweep(fixture, document, INSTANCE_ADMIN_KEY);
        List<String> violations = sweep.run(operations(document));
        assertThat(sweep.calls()).isGreaterThan(2_000);
        assertThat(violations).withFailMessage(() -> violations.size() + " of " + sweep.calls() + " garbage calls answered wrongly:\n"
                + String.join("\n", violations)).isEmpty();
    }

    /** Routes a key does not open, or that the document cannot describe fully: each outsider, and no key at all. */
    @Test
    void routesOutsideTheKeyedApiShowNothingOfA() {
        List<String> violations = new ArrayList<>();
        MatrixHttp http = fixture.http;
        String hook = "/hooks/" + fixture.webhookTrigger;
        String body = "{\"forged\": true}";
        for (String key : new String[] {null, fixture.adminB, fixture.projectLimited}) {
            String who = key == null ? "no key" : key.equals(fixture.adminB) ? "B's admin key" : "A's PB-limited key";
            expect(violations, "POST " + hook + " unsigned, " + who, http.send(key, "POST", hook, body), 401);
            expect(violations, "POST " + hook + " signed with another secret, " + who, http.send(key, "POST", hook, body,
                    Map.of("X-Griddle-Signature", TriggersClient.sign("whsec_not-the-secret", body.getBytes()))), 401);
        }
        List<String> aIds = List.of(fixture.orgA.toString(), fixture.runner.toString(), fixture.waitingRun.toString(), fixture.projectA.toString(),
                fixture.secretName);
        for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
            MatrixHttp.Answer answer = http.send(null, "GET", path, null);
            expect(violations, "GET " + path + " with no key", answer, 200);
            aIds.stream().filter(answer.body()::contains).forEach(id -> violations.add("GET " + path + " shows A's " + id));
        }
        String stream = "/api/v1/runs/" + fixture.waitingRun + "/events/stream";
        expect(violations, "GET " + stream + " with no key", http.send(null, "GET", stream, null), 401);
        expect(violations, "GET " + stream + " as B", http.send(fixture.adminB, "GET", stream, null), 404);
        expect(violations, "GET " + stream + " as PB-limited", http.send(fixture.projectLimited, "GET", stream, null), 404);
        assertThat(violations).withFailMessage(() -> String.join("\n", violations)).isEmpty();
    }

    /** The console's routes (not in the API document), as each outsider signed in with its key: 404 pages, nothing of A, nothing changed. */
    @Test
    void consoleRoutesShowNothingOfA() {
        List<String> violations = new ArrayList<>();
        dev.griddle.server.console.ConsoleHttp console = new dev.griddle.server.console.ConsoleHttp(baseUrl());
        String run = fixture.waitingRun.toString();
        String approval = fixture.http.ok(fixture.adminA, "GET", "/api/v1/runs/" + run + "/approvals", null).path("data").path(0).path("id").asString();
        for (String key : new String[] {fixture.adminB, fixture.projectLimited}) {
            String who = key.equals(fixture.adminB) ? "B's admin key" : "A's PB-limited key";
            String cookie = console.session(key);
            String csrf = console.csrf(cookie);
            for (String path : new String[] {"/console/runs/" + run, "/console/runs/" + run + "/live", "/console/runs/" + run + "/stream"}) {
                java.net.http.HttpResponse<String> page = console.get(path, cookie);
                if (page.statusCode() != 404 || !page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                    violations.add("GET " + path + " as " + who + " → " + page.statusCode() + " " + page.headers().firstValue("Content-Type").orElse(""));
                }
            }
            String runner = fixture.http.ok(fixture.adminA, "GET", "/api/v1/runs/" + run, null).path("runner_id").asString();
            java.net.http.HttpResponse<String> runnerPage = console.get("/console/runners/" + runner, cookie);
            if (runnerPage.statusCode() != 404) {
                violations.add("GET /console/runners/{id} as " + who + " → " + runnerPage.statusCode());
            }
            for (String action : new String[] {"draft", "publish", "run"}) {
                int status = console.post("/console/runners/" + runner + "/" + action, cookie,
                        dev.griddle.server.console.ConsoleHttp.form("_csrf", csrf, "yaml", "name: taken\nsteps: []")).statusCode();
                if (status != 404) {
                    violations.add("POST /console/runners/{id}/" + action + " as " + who + " → " + status + ", expected 404");
                }
            }
            for (String path : new String[] {"/console/runs", "/console/approvals", "/console/analytics?window=month", "/console/runners"}) {
                String body = console.get(path, cookie).body();
                if (body.contains(run) || body.contains(approval) || body.contains(runner)) {
                    violations.add("GET " + path + " as " + who + " shows A's waiting run, its approval or its runner");
                }
            }
            for (String action : new String[] {"pause", "resume", "cancel", "retry"}) {
                int status = console.post("/console/runs/" + run + "/" + action, cookie, dev.griddle.server.console.ConsoleHttp.form("_csrf", csrf)).statusCode();
                if (status != 404) {
                    violations.add("POST /console/runs/{id}/" + action + " as " + who + " → " + status + ", expected 404");
                }
            }
            for (String path : new String[] {"/console/sessions/" + fixture.session, "/console/sessions/" + fixture.session + "/live",
                    "/console/sessions/" + fixture.session + "/stream", "/console/knowledge/" + fixture.document,
                    "/console/experiments/" + fixture.experiment}) {
                java.net.http.HttpResponse<String> page = console.get(path, cookie);
                if (page.statusCode() != 404 || !page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                    violations.add("GET " + path + " as " + who + " → " + page.statusCode() + " " + page.headers().firstValue("Content-Type").orElse(""));
                }
            }
            for (String path : new String[] {"/console/sessions/" + fixture.session + "/messages", "/console/sessions/" + fixture.session + "/cancel",
                    "/console/sessions/" + fixture.session + "/archive", "/console/knowledge/" + fixture.document + "/delete",
                    "/console/experiments/" + fixture.experiment + "/cancel"}) {
                int status = console.post(path, cookie, dev.griddle.server.console.ConsoleHttp.form("_csrf", csrf, "content", "hi")).statusCode();
                if (status != 404) {
                    violations.add("POST " + path + " as " + who + " → " + status + ", expected 404");
                }
            }
            for (String path : new String[] {"/console/sessions", "/console/knowledge", "/console/knowledge?q=matrix&scope_type=org",
                    "/console/session-templates", "/console/workers", "/console/experiments"}) {
                String body = console.get(path, cookie).body();
                if (body.contains(fixture.session) || body.contains(fixture.document) || body.contains(fixture.experiment) || body.contains("doc-" + fixture.tag)
                        || body.contains("matrix session " + fixture.tag)) {
                    violations.add("GET " + path + " as " + who + " shows A's session or document");
                }
            }
            int answered = console.post("/console/approvals/" + approval + "/complete", cookie,
                    dev.griddle.server.console.ConsoleHttp.form("_csrf", csrf, "decision", "approve")).statusCode();
            if (answered != 404) {
                violations.add("POST /console/approvals/{id}/complete as " + who + " → " + answered + ", expected 404");
            }
        }
        String status = fixture.http.ok(fixture.adminA, "GET", "/api/v1/runs/" + run, null).path("status").asString();
        if (!status.equals("waiting")) {
            violations.add("A's waiting run is " + status + " after the outsiders' console calls");
        }
        var session = fixture.http.ok(fixture.adminA, "GET", "/api/v1/sessions/" + fixture.session, null);
        if (session.path("status").asString().equals("terminated") || !session.path("archived_at").isNull()) {
            violations.add("A's session is " + session.path("status").asString() + " after the outsiders' console calls");
        }
        fixture.http.ok(fixture.adminA, "GET", "/api/v1/knowledge/" + fixture.document, null);
        String own = console.session(fixture.adminA);
        java.net.http.HttpResponse<String> mine = console.get("/console/experiments/" + fixture.experiment, own);
        if (mine.statusCode() != 200 || !mine.body().contains("id=\"experiment-status\" class=\"state-cancelled\"") || !mine.body().contains("Baseline output")) {
            violations.add("A's own admin does not see its cancelled experiment with its cases side by side: " + mine.statusCode());
        }
        if (!console.get("/console/experiments", own).body().contains(fixture.experiment)) {
            violations.add("A's experiments list lacks its experiment");
        }
        assertThat(violations).withFailMessage(() -> String.join("\n", violations)).isEmpty();
    }

    /**
     * The MCP server and the A2A agents, which the OpenAPI document does not describe (JSON-RPC on
     * one route each): an outsider sees none of A's tools, cannot call them or read A's runs as
     * resources, and gets a 404 for A's agent; no key is a 401. A's rows stay as they were.
     */
    @Test
    void mcpAndA2aShowNothingOfA() {
        List<String> violations = new ArrayList<>();
        MatrixHttp http = fixture.http;
        Map<String, String> mcpHeaders = Map.of("Accept", "application/json, text/event-stream");
        String question = http.ok(fixture.adminA, "GET", "/api/v1/threads/" + fixture.thread + "/messages", null).path("data").path(0).path("id")
                .asString();
        String card = "/a2a/" + fixture.agent + "/.well-known/agent-card.json";
        String a2a = "/a2a/" + fixture.agent;
        TenantRows rows = new TenantRows(jdbc, fixture.orgA);
        Map<String, String> before = rows.digest();
        List<String> aNames = List.of("runner-" + fixture.tag, "agent-" + fixture.tag, fixture.runner.toString(), fixture.agent.toString());
        for (String key : new String[] {fixture.adminB, fixture.projectLimited}) {
            String who = key.equals(fixture.adminB) ? "B's admin key" : "A's PB-limited key";
            MatrixHttp.Answer tools = http.send(key, "POST", "/mcp", "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}", mcpHeaders);
            expect(violations, "MCP tools/list, " + who, tools, 200);
            aNames.stream().filter(tools.body()::contains).forEach(n -> violations.add("MCP tools/list, " + who + ", shows A's " + n));
            MatrixHttp.Answer call = http.send(key, "POST", "/mcp", """
                    {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "runner-%s", "arguments": {}}}""".formatted(fixture.tag),
                    mcpHeaders);
            if (!call.json().path("error").path("message").asString().contains("Unknown tool")) {
                violations.add("MCP tools/call of A's runner, " + who + " → " + call.body());
            }
            MatrixHttp.Answer read = http.send(key, "POST", "/mcp", """
                    {"jsonrpc": "2.0", "id": 3, "method": "resources/read", "params": {"uri": "griddle://runs/%s"}}""".formatted(fixture.waitingRun),
                    mcpHeaders);
            if (read.json().path("error").isMissingNode() || read.body().contains("\"input\"")) {
                violations.add("MCP resources/read of A's run, " + who + " → " + read.body());
            }
            MatrixHttp.Answer listed = http.send(key, "POST", "/mcp", "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"resources/list\"}", mcpHeaders);
            if (listed.body().contains(fixture.waitingRun.toString())) {
                violations.add("MCP resources/list, " + who + ", shows A's run");
            }
            expect(violations, "GET " + card + ", " + who, http.send(key, "GET", card, null), 404);
            expect(violations, "A2A message/send to A's agent, " + who, http.send(key, "POST", a2a, """
                    {"jsonrpc": "2.0", "id": 1, "method": "message/send", "params": {"message": {"kind": "message", "role": "user", "messageId": "m1",
                     "contextId": "%s", "parts": [{"kind": "text", "text": "forged"}]}}}""".formatted(fixture.thread)), 404);
            expect(violations, "A2A tasks/get of A's task, " + who, http.send(key, "POST", a2a, """
                    {"jsonrpc": "2.0", "id": 2, "method": "tasks/get", "params": {"id": "%s"}}""".formatted(question)), 404);
            expect(violations, "A2A tasks/cancel of A's task, " + who, http.send(key, "POST", a2a, """
                    {"jsonrpc": "2.0", "id": 3, "method": "tasks/cancel", "params": {"id": "%s"}}""".formatted(question)), 404);
        }
        expect(violations, "MCP with no key", http.send(null, "POST", "/mcp", "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}",
                mcpHeaders), 401);
        expect(violations, "GET " + card + " with no key", http.send(null, "GET", card, null), 401);
        expect(violations, "A2A with no key", http.send(null, "POST", a2a, "{}"), 401);
        Map<String, String> after = rows.digest();
        before.forEach((table, digest) -> {
            if (!digest.equals(after.get(table))) {
                violations.add("A's rows in " + table + " changed");
            }
        });
        assertThat(violations).withFailMessage(() -> String.join("\n", violations)).isEmpty();
    }

    private static void expect(List<String> violations, String what, MatrixHttp.Answer answer, int status) {
        if (answer.status() != status) {
            violations.add(what + " → got " + answer.status() + ", expected " + status);
        }
    }
}
