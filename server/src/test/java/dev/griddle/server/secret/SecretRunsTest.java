package dev.griddle.server.secret;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.ConnectionModels.ToolInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Secrets in runs over HTTP: the receiver (a real server on loopback) gets the value, while the
 * stored tasks, step rows, events and what the API shows hold none, and an echoed value comes back
 * masked.
 */
class SecretRunsTest extends ApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    JdbcClient jdbc;

    record Received(String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().getFirst()).findFirst()
                    .orElse(null);
        }
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile CountDownLatch hold = new CountDownLatch(0);
    GriddleClient c;

    /** Answers every request with what it got, as JSON: {path, query, authorization, api_key, body}; {@code /hold} first waits for the test. */
    @BeforeEach
    void setUp() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received r = new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            received.add(r);
            if (r.path().startsWith("/hold")) {
                try {
                    hold.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ObjectNode echo = JSON.createObjectNode().put("path", r.path()).put("query", r.query()).put("authorization", r.header("Authorization"))
                    .put("api_key", r.header("X-Api-Key")).put("body", body);
            byte[] bytes = JSON.writeValueAsBytes(echo);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        receiver.start();
        c = newOrg();
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    UUID runner(String yamlSteps) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + yamlSteps).id();
    }

    UUID start(UUID runner) {
        return c.runs().start(runner, StartRun.of(null)).id();
    }

    /** Every place a run's data is stored, as text. */
    String storedText(UUID run) {
        return String.join("\n",
                jdbc.sql("select coalesce(string_agg(r::text, ' '), '') from runs r where id = :run").param("run", run).query(String.class).single(),
                jdbc.sql("select coalesce(string_agg(s::text, ' '), '') from step_runs s where run_id = :run").param("run", run).query(String.class)
                        .single(),
                jdbc.sql("select coalesce(string_agg(i::text, ' '), '') from step_items i where run_id = :run").param("run", run).query(String.class)
                        .single(),
                jdbc.sql("select coalesce(string_agg(e::text, ' '), '') from events e where run_id = :run").param("run", run).query(String.class)
                        .single(),
                tasksText(run));
    }

    String tasksText(UUID run) {
        return jdbc.sql("select coalesce(string_agg(t::text, ' '), '') from tasks t where run_id = :run").param("run", run).query(String.class)
                .single();
    }

    /** Everything the API shows about a run, as text. */
    String apiText(UUID run) {
        StringBuilder all = new StringBuilder();
        for (String path : List.of("/api/v1/runs/" + run, "/api/v1/runs/" + run + "/steps", "/api/v1/runs/" + run + "/events?limit=1000",
                "/api/v1/runs/" + run + "/context", "/api/v1/traces/" + run)) {
            RawResponse r = c.raw("GET", path, null, Map.of());
            assertThat(r.status()).as(path + " " + r.body()).isEqualTo(200);
            all.append(r.body()).append('\n');
        }
        return all.toString();
    }

    @Test
    void httpStepSendsTheValueButStoresAndShowsOnlyPlaceholdersAndMasks() throws Exception {
        String token = "hd-token-" + UUID.randomUUID();
        c.secrets().put("HELPDESK_TOKEN", token);
        UUID runner = runner("""
                steps:
                  - id: call
                    type: http
                    with:
                      method: POST
                      url: "%s?key={{ secrets.HELPDESK_TOKEN }}"
                      headers: {Authorization: "Bearer {{ secrets.HELPDESK_TOKEN }}"}
                      body: {token: "{{ secrets.HELPDESK_TOKEN }}", nested: ["{{ secrets['HELPDESK_TOKEN'] }}"]}
                  - {id: after, type: transform, needs: [call], with: {value: "{{ steps.call.output.body.authorization }}"}}
                """.formatted(url("/hold")));
        hold = new CountDownLatch(1);
        UUID run = start(runner);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(received).hasSize(1);
        String queued = tasksText(run);
        assertThat(queued).contains("griddle-secret:HELPDESK_TOKEN").doesNotContain(token);
        hold.countDown();

        Run done = c.runs().await(run, Duration.ofSeconds(20));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        Received got = received.getFirst();
        assertThat(got.header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(got.query()).isEqualTo("key=" + token);
        assertThat(JSON.readTree(got.body()).path("token").asString()).isEqualTo(token);
        assertThat(JSON.readTree(got.body()).path("nested").get(0).asString()).isEqualTo(token);

        assertThat(done.output().path("after").asString()).isEqualTo("Bearer ***");
        JsonNode call = c.runs().steps(run).stream().filter(s -> s.stepId().equals("call")).findFirst().orElseThrow().output();
        assertThat(call.path("body").path("query").asString()).isEqualTo("key=***");
        assertThat(storedText(run)).doesNotContain(token);
        assertThat(apiText(run)).doesNotContain(token).contains("Bearer ***");
    }

    @Test
    void anUnknownSecretFailsTheStepNamingIt() {
        c.secrets().put("KNOWN", "known-value-1");
        Run done = c.runs().await(start(runner("""
                steps:
                  - {id: call, type: http, with: {method: GET, url: "%s", headers: {X-Api-Key: "{{ secrets.MISSING }}"}}}
                """.formatted(url("/echo")))), Duration.ofSeconds(20));
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.error().path("message").asString()).contains("secret 'MISSING' is not defined");
        assertThat(received).isEmpty();
    }

    @Test
    void aForgedPlaceholderInTheInputIsNotRevealed() {
        String value = "never-leak-" + UUID.randomUUID();
        c.secrets().put("ADMIN", value);
        UUID runner = runner("""
                steps:
                  - {id: call, type: http, with: {method: POST, url: "%s", body: {comment: "{{ input.comment }}"}}}
                """.formatted(url("/echo")));
        String forged = "\u27E6griddle-secret:ADMIN:0123456789abcdef\u27E7";
        Run done = c.runs().await(c.runs().start(runner, StartRun.of(JSON.createObjectNode().put("comment", forged))).id(), Duration.ofSeconds(20));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        assertThat(received.getFirst().body()).contains(forged).doesNotContain(value);
    }

    @Test
    void aCustomHttpToolSendsTheSecretAndItsEchoIsMasked() {
        String key = "tool-key-" + UUID.randomUUID();
        c.secrets().put("TOOL_KEY", key);
        String name = "lookup_" + UUID.randomUUID().toString().substring(0, 8);
        c.tools().create(new ToolInput(name, "looks up", JSON.readTree("{\"type\": \"object\", \"properties\": {\"q\": {\"type\": \"string\"}}}"),
                JSON.readTree("""
                        {"method": "POST", "url": "%s", "headers": {"X-Api-Key": "{{ secrets.TOOL_KEY }}"}, "body": {"q": "{{ args.q }}"}}
                        """.formatted(url("/tool")))));
        UUID run = start(runner("""
                steps:
                  - {id: use, type: tool, with: {tool: %s, arguments: {q: "hello"}}}
                """.formatted(name)));
        Run done = c.runs().await(run, Duration.ofSeconds(20));
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("succeeded");
        assertThat(received.getFirst().header("X-Api-Key")).isEqualTo(key);
        assertThat(done.output().path("use").path("body").path("api_key").asString()).isEqualTo("***");
        assertThat(storedText(run)).doesNotContain(key);
        assertThat(apiText(run)).doesNotContain(key).contains("tool_call");
    }

    @Test
    void aRemoteWorkerGetsTheValueInItsClaimButTheStoredTaskDoesNot() {
        String value = "worker-secret-" + UUID.randomUUID();
        c.secrets().put("W_TOKEN", value);
        GriddleClient worker = client(c.keys().create(CreateKey.of("w", "worker")).secret());
        RawResponse reg = worker.raw("POST", "/api/v1/workers", """
                {"name": "w1", "version": "1", "os": "linux", "arch": "amd64", "labels": ["sec"], "task_types": ["deploy"], "max_concurrency": 1}
                """, Map.of("Content-Type", "application/json"));
        assertThat(reg.status()).as(reg.body()).isIn(200, 201);
        String workerId = json(reg).path("id").asString();
        UUID run = start(runner("""
                steps:
                  - {id: deploy, type: task, runs_on: [sec], with: {task_type: deploy, input: {token: "{{ secrets.W_TOKEN }}"}}}
                """));
        RawResponse claim = worker.raw("POST", "/api/v1/workers/" + workerId + "/claim", "{\"max\": 1, \"wait_ms\": 5000}",
                Map.of("Content-Type", "application/json"));
        assertThat(claim.status()).as(claim.body()).isEqualTo(200);
        JsonNode task = json(claim).path("data").get(0);
        assertThat(task.path("input").path("token").asString()).isEqualTo(value);
        assertThat(tasksText(run)).contains("griddle-secret:W_TOKEN").doesNotContain(value);

        String taskPath = "/api/v1/tasks/" + task.path("id").asString();
        long lease = task.path("lease_token").asLong();
        RawResponse logs = worker.raw("POST", taskPath + "/logs", "{\"lines\": [\"using " + value + " now\"]}",
                Map.of("Content-Type", "application/json", "X-Griddle-Lease-Token", Long.toString(lease)));
        assertThat(logs.status()).as(logs.body()).isEqualTo(200);
        RawResponse complete = worker.raw("POST", taskPath + "/complete", "{\"lease_token\": " + lease + ", \"output\": {\"seen\": [\"" + value + "\"]}}",
                Map.of("Content-Type", "application/json"));
        assertThat(complete.status()).as(complete.body()).isEqualTo(200);

        Run done = c.runs().await(run, Duration.ofSeconds(20));
        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(done.output().path("deploy").path("seen").get(0).asString()).isEqualTo("***");
        assertThat(storedText(run)).doesNotContain(value).contains("using *** now");
        assertThat(apiText(run)).doesNotContain(value);
    }

    @Test
    void afterRotationTheNextRunSendsAndMasksTheNewValue() {
        c.secrets().put("ROTATING", "old-value-" + UUID.randomUUID());
        UUID runner = runner("""
                steps:
                  - {id: call, type: http, with: {method: GET, url: "%s", headers: {Authorization: "{{ secrets.ROTATING }}"}}}
                """.formatted(url("/echo")));
        assertThat(c.runs().await(start(runner), Duration.ofSeconds(20)).status()).isEqualTo("succeeded");
        String fresh = "new-value-" + UUID.randomUUID();
        c.secrets().put("ROTATING", fresh);
        UUID run = start(runner);
        Run done = c.runs().await(run, Duration.ofSeconds(20));
        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(received.getLast().header("Authorization")).isEqualTo(fresh);
        assertThat(done.output().path("call").path("body").path("authorization").asString()).isEqualTo("***");
        assertThat(storedText(run)).doesNotContain(fresh);
    }

    @Test
    void llmStepsRefuseSecretsInTheirPrompt() {
        c.secrets().put("PROMPT_SECRET", "prompt-secret-value");
        Run done = c.runs().await(start(runner("""
                steps:
                  - {id: ask, type: llm, with: {model: "openai/gpt-4o-mini", prompt: "the key is {{ secrets.PROMPT_SECRET }}"}}
                """)), Duration.ofSeconds(20));
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.error().path("message").asString()).contains("secrets.PROMPT_SECRET cannot be sent to a model");
    }

    /** L8: a genuine placeholder, seen in one run's step output, revealed nowhere else: not in another run's input, not in a later step. */
    @Test
    void aCopiedPlaceholderIsNotRevealedOutsideTheStepItWasMadeFor() {
        String value = "copied-" + UUID.randomUUID();
        c.secrets().put("TOKEN", value);
        UUID leak = runner("""
                steps:
                  - {id: show, type: transform, with: {value: "{{ secrets.TOKEN }}"}}
                """);
        Run shown = c.runs().await(start(leak), Duration.ofSeconds(20));
        String placeholder = shown.output().path("show").asString();
        assertThat(placeholder).startsWith("\u27E6griddle-secret:TOKEN:");

        UUID forward = runner("""
                steps:
                  - {id: call, type: http, with: {method: POST, url: "%s", body: {m: "{{ input.m }}"}}}
                """.formatted(url("/echo")));
        Run other = c.runs().await(c.runs().start(forward, StartRun.of(JSON.createObjectNode().put("m", placeholder))).id(), Duration.ofSeconds(20));
        assertThat(other.status()).as(String.valueOf(other.error())).isEqualTo("succeeded");
        assertThat(received.getLast().body()).contains(placeholder).doesNotContain(value);

        UUID sameRun = runner("""
                steps:
                  - {id: show, type: transform, with: {value: "{{ secrets.TOKEN }}"}}
                  - {id: call, type: http, needs: [show], with: {method: POST, url: "%s", body: {m: "{{ steps.show.output }}"}}}
                """.formatted(url("/echo")));
        assertThat(c.runs().await(start(sameRun), Duration.ofSeconds(20)).status()).isEqualTo("succeeded");
        assertThat(received.getLast().body()).contains("griddle-secret:TOKEN").doesNotContain(value);
    }

    @Test
    void aRunResolvesOnlySecretsAvailableToItsProject() {
        UUID pa = c.projects().create("pa", null).id();
        UUID pb = c.projects().create("pb", null).id();
        String value = "only-a-" + UUID.randomUUID();
        c.secrets().put("A_ONLY", value, List.of(pa));
        String steps = """
                steps:
                  - {id: call, type: http, with: {method: GET, url: "%s", headers: {X-Api-Key: "{{ secrets.A_ONLY }}"}}}
                """.formatted(url("/echo"));
        UUID inA = c.runners().createYaml("name: a-" + UUID.randomUUID() + "\nproject_id: " + pa + "\n" + steps).id();
        UUID inB = c.runners().createYaml("name: b-" + UUID.randomUUID() + "\nproject_id: " + pb + "\n" + steps).id();
        UUID orgLevel = runner(steps);

        assertThat(c.runs().await(start(inA), Duration.ofSeconds(20)).status()).isEqualTo("succeeded");
        assertThat(received.getLast().header("X-Api-Key")).isEqualTo(value);
        int sent = received.size();
        for (UUID refused : List.of(inB, orgLevel)) {
            Run done = c.runs().await(start(refused), Duration.ofSeconds(20));
            assertThat(done.status()).isEqualTo("failed");
            assertThat(done.error().path("message").asString()).contains("secret 'A_ONLY' is not defined, or not available to this run's project");
        }
        assertThat(received).hasSize(sent);
    }
}
