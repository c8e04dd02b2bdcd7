package dev.griddle.server.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.TriggerModels.Applied;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/apply} with every section: the triage example with its integration and MCP
 * server, references by name and id, exact connection lists, secrets, unchanged re-applies,
 * all-or-nothing failure and tenant scoping.
 */
class BundleApplyApiTest extends ApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private static String resource(String name) {
        try (InputStream in = BundleApplyApiTest.class.getResourceAsStream("/apply/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The triage example with the integration and the MCP server its agent uses, secrets included. */
    static ObjectNode triage(String password, String token) {
        ObjectNode bundle = (ObjectNode) JSON.readTree(resource("triage.json"));
        bundle.set("integrations", JSON.readTree("""
                [{"name": "crm", "kind": "postgresql", "url": "jdbc:postgresql://127.0.0.1:5432/crm", "username": "reader", "password": "%s"}]
                """.formatted(password)));
        ObjectNode mcp = (ObjectNode) JSON.readTree("""
                {"name": "Linear", "slug": "linear", "transport": "streamable_http", "url": "http://127.0.0.1:9/mcp"}""");
        if (token != null) {
            mcp.set("headers", JSON.createObjectNode().put("Authorization", "Bearer " + token));
        }
        bundle.set("mcp_servers", JSON.createArrayNode().add(mcp));
        return bundle;
    }

    private static List<String> names(List<Applied> applied) {
        return applied.stream().map(a -> a.kind() + ":" + a.name()).toList();
    }

    private static UUID id(List<Applied> applied, String kind) {
        return applied.stream().filter(a -> a.kind().equals(kind)).findFirst().orElseThrow().id();
    }

    private static JsonNode get(GriddleClient c, String path) {
        RawResponse r = c.raw("GET", path, null, Map.of());
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return json(r);
    }

    private static long total(GriddleClient c, String collection) {
        return get(c, "/api/v1/" + collection).path("meta").path("total").asLong();
    }

    /** Applies through the raw route, so the test sees exactly what the server answered. */
    private static RawResponse applyRaw(GriddleClient c, String body, boolean dryRun) {
        return c.raw("POST", "/api/v1/apply" + (dryRun ? "?dry_run=true" : ""), body, Map.of());
    }

    private static List<String> errorPaths(GriddleApiException e) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
        return errors.stream().map(m -> String.valueOf(m.get("path"))).toList();
    }

    @Test
    void theTriageBundleCreatesItsConnectionsAndResolvesNamesThenIsUnchanged() {
        GriddleClient c = newOrg();
        String bundle = triage("pw-one", "tok-one").toString();
        List<String> all = List.of("integration:crm", "mcp_server:linear", "agent:triager", "runner:ticket-triage", "trigger:ticket-triage/webhook[0]");

        RawResponse dryRaw = applyRaw(c, bundle, true);
        assertThat(dryRaw.status()).as(dryRaw.body()).isEqualTo(200);
        assertThat(dryRaw.body()).doesNotContain("pw-one", "tok-one");
        ApplyResult dry = c.apply().json(bundle, true);
        assertThat(names(dry.created())).containsExactlyElementsOf(all);
        assertThat(dry.created()).allMatch(a -> a.id() == null && a.signingSecret() == null);
        for (String collection : List.of("integrations", "mcp-servers", "agents", "runners")) {
            assertThat(total(c, collection)).as(collection).isZero();
        }

        RawResponse appliedRaw = applyRaw(c, bundle, false);
        assertThat(appliedRaw.status()).as(appliedRaw.body()).isEqualTo(200);
        assertThat(appliedRaw.body()).doesNotContain("pw-one", "tok-one");
        List<Applied> created = JSON.readValue(appliedRaw.body(), ApplyResult.class).created();
        assertThat(names(created)).containsExactlyElementsOf(all);
        UUID crm = id(created, "integration");
        UUID linear = id(created, "mcp_server");
        UUID agent = id(created, "agent");
        UUID runner = id(created, "runner");

        JsonNode integration = get(c, "/api/v1/integrations/" + crm);
        assertThat(integration.path("has_password").asBoolean()).isTrue();
        assertThat(integration.path("username").asString()).isEqualTo("reader");
        assertThat(get(c, "/api/v1/mcp-servers/" + linear).path("header_names").toString()).isEqualTo("[\"Authorization\"]");
        JsonNode agentView = get(c, "/api/v1/agents/" + agent);
        assertThat(agentView.path("model").asString()).isEqualTo("anthropic/claude-sonnet-4");
        JsonNode mcps = get(c, "/api/v1/agents/" + agent + "/mcps").path("data");
        assertThat(mcps).hasSize(1);
        assertThat(mcps.get(0).path("mcp_server_id").asString()).isEqualTo(linear.toString());
        assertThat(mcps.get(0).path("allowed_tools").toString()).isEqualTo("[\"search_issues\"]");
        JsonNode integrations = get(c, "/api/v1/agents/" + agent + "/integrations").path("data");
        assertThat(integrations).hasSize(1);
        assertThat(integrations.get(0).path("integration_id").asString()).isEqualTo(crm.toString());
        assertThat(integrations.get(0).path("allowed_tables").toString()).isEqualTo("[\"customers\",\"contracts\"]");
        Runner stored = c.runners().get(runner);
        assertThat(stored.valid()).isTrue();
        assertThat(stored.steps().getFirst().with().path("agent_id").asString()).isEqualTo(agent.toString());
        assertThat(stored.steps().getFirst().with().path("tools").toString()).contains("crm__sql_query", "linear__search_issues");
        assertThat(c.runners().publish(runner).version()).isEqualTo(1);

        String[] before = {get(c, "/api/v1/integrations/" + crm).path("updated_at").asString(),
                get(c, "/api/v1/mcp-servers/" + linear).path("updated_at").asString(), get(c, "/api/v1/agents/" + agent).path("updated_at").asString(),
                c.runners().get(runner).updatedAt().toString()};
        ApplyResult again = c.apply().json(bundle, false);
        assertThat(again.created()).isEmpty();
        assertThat(again.updated()).isEmpty();
        assertThat(names(again.unchanged())).containsExactlyElementsOf(all);
        assertThat(again.unchanged()).allMatch(a -> a.changed().isEmpty() && a.signingSecret() == null);
        String[] after = {get(c, "/api/v1/integrations/" + crm).path("updated_at").asString(),
                get(c, "/api/v1/mcp-servers/" + linear).path("updated_at").asString(), get(c, "/api/v1/agents/" + agent).path("updated_at").asString(),
                c.runners().get(runner).updatedAt().toString()};
        assertThat(after).containsExactly(before);
        assertThat(c.runners().versions(runner, PageRequest.first()).meta().total()).isEqualTo(1);
        assertThat(c.runners().publish(runner).version()).isEqualTo(1);
    }

    /** The full bundle of docs/apply.md, with its hosts pointed at loopback (the outbound guard resolves them), checks clean. */
    @Test
    void theDocumentedFullBundleChecksClean() throws IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "apply.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        String bundle = doc.substring(start, doc.indexOf("```", start)).replace("db.internal", "127.0.0.1")
                .replace("mcp.linear.example", "127.0.0.1");
        GriddleClient c = newOrg();
        ApplyResult dry = c.apply().yaml(bundle, true);
        assertThat(names(dry.created())).containsExactly("integration:crm", "mcp_server:linear", "tool:lookup_order", "skill:tone", "agent:triager",
                "runner:ticket-triage", "trigger:ticket-triage/webhook[0]", "runner:page-oncall");
        assertThat(dry.warnings()).isEmpty();
        assertThat(names(c.apply().yaml(bundle, false).created())).hasSize(8);
        assertThat(names(c.apply().yaml(bundle, false).unchanged())).hasSize(8);
    }

    @Test
    void updatesNameTheirFieldsListedConnectionsAreExactAndOmittedSecretsAreKept() {
        GriddleClient c = newOrg();
        ObjectNode bundle = triage("pw-one", "tok-one");
        ((ObjectNode) bundle.get("agents").get(0)).set("credentials", JSON.createObjectNode().put("openai_api_key", "sk-one"));
        ApplyResult first = c.apply().json(bundle.toString(), false);
        UUID agent = id(first.created(), "agent");
        UUID runner = id(first.created(), "runner");
        UUID linear = id(first.created(), "mcp_server");
        assertThat(get(c, "/api/v1/agents/" + agent + "/credentials").path("openai_api_key").asBoolean()).isTrue();

        ObjectNode changed = triage("pw-two", null);
        ObjectNode agentNode = (ObjectNode) changed.get("agents").get(0);
        agentNode.put("instructions", "Classify the ticket.");
        agentNode.set("mcps", JSON.createArrayNode());
        agentNode.remove("integrations");
        agentNode.set("credentials", JSON.createObjectNode().put("openai_api_key", ""));
        agentNode.set("web", JSON.createObjectNode().put("enabled", true));
        ((ObjectNode) changed.get("runners").get(0)).set("budget", JSON.readTree("{\"max_cost_usd_per_run\": 0.25, \"on_exceed\": \"fail\"}"));
        ApplyResult second = c.apply().json(changed.toString(), false);
        assertThat(second.created()).isEmpty();
        assertThat(second.updated()).extracting(a -> a.kind() + ":" + a.name() + " " + a.changed()).containsExactly(
                "integration:crm [password]", "agent:triager [instructions, credentials, mcps, web]", "runner:ticket-triage [budget]");
        assertThat(names(second.unchanged())).containsExactly("mcp_server:linear", "trigger:ticket-triage/webhook[0]");

        assertThat(get(c, "/api/v1/agents/" + agent + "/mcps").path("data")).isEmpty();
        assertThat(get(c, "/api/v1/agents/" + agent + "/integrations").path("data")).hasSize(1);
        assertThat(get(c, "/api/v1/agents/" + agent + "/credentials").path("openai_api_key").asBoolean()).isFalse();
        assertThat(get(c, "/api/v1/agents/" + agent + "/web").path("enabled").asBoolean()).isTrue();
        assertThat(get(c, "/api/v1/agents/" + agent + "/web").path("crawl_enabled").asBoolean()).isTrue();
        assertThat(get(c, "/api/v1/mcp-servers/" + linear).path("header_names").toString()).isEqualTo("[\"Authorization\"]");
        JsonNode budget = get(c, "/api/v1/runners/" + runner + "/budget");
        assertThat(budget.path("max_cost_usd_per_run").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(budget.path("on_exceed").asString()).isEqualTo("fail");

        ApplyResult third = c.apply().json(changed.toString(), false);
        assertThat(third.updated()).isEmpty();
        assertThat(third.unchanged()).hasSize(5);

        changed.withArray("mcp_servers").add(JSON.readTree("""
                {"name": "Other", "slug": "other", "transport": "streamable_http", "url": "http://127.0.0.1:9/other"}"""));
        agentNode.set("mcps", JSON.readTree("[\"other\", {\"mcp_server\": \"" + linear + "\"}]"));
        ApplyResult fourth = c.apply().json(changed.toString(), false);
        assertThat(names(fourth.created())).containsExactly("mcp_server:other");
        assertThat(fourth.updated()).extracting(a -> a.name() + " " + a.changed()).containsExactly("triager [mcps]");
        JsonNode attached = get(c, "/api/v1/agents/" + agent + "/mcps").path("data");
        assertThat(attached.findValuesAsString("mcp_server_id")).containsExactlyInAnyOrder(linear.toString(), id(fourth.created(), "mcp_server").toString());
        assertThat(attached.findValues("allowed_tools")).isEmpty();
    }

    @Test
    void anUnknownReferenceFailsTheWholeBundleWithItsPathAndWritesNothing() {
        GriddleClient c = newOrg();
        String bundle = """
                integrations:
                  - {name: crm, kind: postgresql, url: "jdbc:postgresql://127.0.0.1:5432/crm"}
                agents:
                  - name: a
                    integrations: [{integration: crm}]
                    mcps: [{mcp_server: nope, allowed_tools: [x]}]
                    skills: [ghost]
                runners:
                  - name: r
                    steps:
                      - {id: ask, type: llm, with: {agent_id: nobody, prompt: hi}}
                      - {id: child, type: runner, with: {runner_id: missing-runner}}
                      - {id: later, type: llm, with: {agent_id: "{{ input.agent }}", prompt: hi}}
                """;
        for (boolean dryRun : List.of(true, false)) {
            GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bundle, dryRun));
            assertThat(errorPaths(e)).containsExactlyInAnyOrder("agents[0].mcps[0].mcp_server", "agents[0].skills[0]",
                    "runners[0].steps[0].with.agent_id", "runners[0].steps[1].with.runner_id");
            assertThat(e.getMessage()).contains("nothing was applied");
        }
        assertThat(total(c, "integrations")).isZero();
        assertThat(total(c, "agents")).isZero();
        assertThat(total(c, "runners")).isZero();
    }

    @Test
    void anotherOrganizationsObjectsAreNeverResolvedByNameOrId() {
        GriddleClient a = newOrg();
        ApplyResult mine = a.apply().yaml("""
                integrations: [{name: crm, kind: postgresql, url: "jdbc:postgresql://127.0.0.1:5432/crm", password: secret-a}]
                skills: [{name: tone, instructions: Be brief.}]
                agents: [{name: helper}]
                runners: [{name: child, steps: [{id: a, type: transform, with: {value: 1}}]}]
                """, false);
        UUID skill = id(mine.created(), "skill");
        UUID helper = id(mine.created(), "agent");
        UUID child = id(mine.created(), "runner");
        UUID crm = id(mine.created(), "integration");

        GriddleClient b = newOrg();
        String bundle = """
                agents:
                  - {name: mine, integrations: [crm], skills: ["%s"]}
                runners:
                  - name: r
                    steps:
                      - {id: by_name, type: llm, with: {agent_id: helper, prompt: hi}}
                      - {id: by_id, type: llm, with: {agent_id: "%s", prompt: hi}}
                      - {id: child, type: runner, with: {runner_id: "%s"}}
                      - {id: child_by_name, type: runner, with: {runner_id: child}}
                """.formatted(skill, helper, child);
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> b.apply().yaml(bundle, false));
        assertThat(errorPaths(e)).containsExactlyInAnyOrder("agents[0].integrations[0]", "agents[0].skills[0]", "runners[0].steps[0].with.agent_id",
                "runners[0].steps[1].with.agent_id", "runners[0].steps[2].with.runner_id", "runners[0].steps[3].with.runner_id");
        assertThat(total(b, "agents")).isZero();

        // the same names in another organization are other objects: created there, the first organization's untouched
        ApplyResult theirs = b.apply().yaml("""
                integrations: [{name: crm, kind: postgresql, url: "jdbc:postgresql://127.0.0.1:5432/other"}]
                agents: [{name: helper, integrations: [crm]}]
                """, false);
        assertThat(names(theirs.created())).containsExactly("integration:crm", "agent:helper");
        assertThat(id(theirs.created(), "integration")).isNotEqualTo(crm);
        JsonNode original = get(a, "/api/v1/integrations/" + crm);
        assertThat(original.path("url").asString()).endsWith("/crm");
        assertThat(original.path("has_password").asBoolean()).isTrue();
        assertThat(get(a, "/api/v1/agents/" + helper + "/integrations").path("data")).isEmpty();
    }

    @Test
    void aKeyLimitedToAProjectResolvesOnlyWhatItSees() {
        GriddleClient admin = newOrg();
        UUID mine = admin.projects().create("mine", null).id();
        UUID theirs = admin.projects().create("theirs", null).id();
        UUID hidden = admin.apply().yaml("agents: [{name: hidden, project_id: %s}, {name: visible, project_id: %s}]".formatted(theirs, mine), false)
                .created().getFirst().id();
        GriddleClient limited = client(admin.keys().create(new CreateKey("limited", "contributor", List.of(mine), null)).secret());

        GriddleApiException agents = expectError(422, "VALIDATION_FAILED",
                () -> limited.apply().yaml("agents: [{name: no-project}]", false));
        assertThat(errorPaths(agents)).containsExactlyInAnyOrder("agents[0].project_id");
        // names are unique per project: the hidden project's 'hidden' is no conflict, and is left as it is
        ApplyResult own = limited.apply().yaml("agents: [{name: hidden, project_id: %s, description: mine}]".formatted(mine), false);
        assertThat(names(own.created())).containsExactly("agent:hidden");
        assertThat(id(own.created(), "agent")).isNotEqualTo(hidden);
        assertThat(get(admin, "/api/v1/agents/" + hidden).path("description").isNull()).isTrue();
        GriddleApiException refs = expectError(422, "VALIDATION_FAILED", () -> limited.apply().yaml("""
                runners:
                  - name: r
                    project_id: %s
                    steps:
                      - {id: by_id, type: llm, with: {agent_id: "%s", prompt: hi}}
                """.formatted(mine, hidden), false));
        assertThat(errorPaths(refs)).containsExactlyInAnyOrder("runners[0].steps[0].with.agent_id");

        ApplyResult ok = limited.apply().yaml("""
                runners:
                  - name: r
                    project_id: %s
                    steps: [{id: ask, type: llm, with: {agent_id: visible, prompt: hi}}]
                """.formatted(mine), false);
        assertThat(names(ok.created())).containsExactly("runner:r");
    }

    @Test
    void aYamlBundleWiresToolsSkillsSettingsBudgetAndChildRunnersReferencedForward() {
        GriddleClient c = newOrg();
        String bundle = """
                runners:
                  - name: parent
                    steps:
                      - {id: call, type: runner, with: {runner_id: child}}
                      - {id: ask, type: llm, needs: [call], with: {agent_id: helper, prompt: hi, model: openai/gpt-4o-mini}}
                    tools: [lookup]
                    skills: [{skill: tone}]
                    plan: {enabled: true, remind_on_turn_end: false}
                    budget: {max_tokens_per_run: 1000, on_exceed: fail}
                  - name: child
                    steps: [{id: a, type: transform, with: {value: 1}}]
                agents:
                  - name: helper
                    model: openai/gpt-4o-mini
                    temperature: 0.2
                    tools: [{tool: lookup, allowed: false}]
                    skills: [tone]
                    web: {enabled: true, crawl_enabled: false}
                tools:
                  - name: lookup
                    description: Look a customer up
                    parameters: {type: object, properties: {id: {type: string}}, required: [id]}
                    http: {method: GET, url: "http://127.0.0.1:9/customers/{{ args.id }}"}
                skills:
                  - {name: tone, instructions: Be brief.}
                """;
        ApplyResult result = c.apply().yaml(bundle, false);
        assertThat(names(result.created())).containsExactly("tool:lookup", "skill:tone", "agent:helper", "runner:parent", "runner:child");
        UUID tool = id(result.created(), "tool");
        UUID skill = id(result.created(), "skill");
        UUID helper = id(result.created(), "agent");
        UUID parent = result.created().get(3).id();
        UUID child = result.created().get(4).id();

        Runner stored = c.runners().get(parent);
        assertThat(stored.steps().get(0).with().path("runner_id").asString()).isEqualTo(child.toString());
        assertThat(stored.steps().get(1).with().path("agent_id").asString()).isEqualTo(helper.toString());
        JsonNode agentTools = get(c, "/api/v1/agents/" + helper + "/tools").path("data");
        assertThat(agentTools.get(0).path("tool_id").asString()).isEqualTo(tool.toString());
        assertThat(agentTools.get(0).path("allowed").asBoolean()).isFalse();
        assertThat(get(c, "/api/v1/agents/" + helper + "/skills").path("data").get(0).path("skill_id").asString()).isEqualTo(skill.toString());
        JsonNode web = get(c, "/api/v1/agents/" + helper + "/web");
        assertThat(web.path("enabled").asBoolean()).isTrue();
        assertThat(web.path("crawl_enabled").asBoolean()).isFalse();
        JsonNode runnerTools = get(c, "/api/v1/runners/" + parent + "/tools").path("data");
        assertThat(runnerTools.get(0).path("name").asString()).isEqualTo("lookup");
        assertThat(runnerTools.get(0).path("allowed").asBoolean()).isTrue();
        assertThat(get(c, "/api/v1/runners/" + parent + "/skills").path("data")).hasSize(1);
        assertThat(get(c, "/api/v1/runners/" + parent + "/plan").path("remind_on_turn_end").asBoolean()).isFalse();
        assertThat(get(c, "/api/v1/runners/" + parent + "/web").path("enabled").asBoolean()).isFalse();
        JsonNode budget = get(c, "/api/v1/runners/" + parent + "/budget");
        assertThat(budget.path("max_tokens_per_run").asLong()).isEqualTo(1000);
        assertThat(budget.path("max_cost_usd_per_run").isNull()).isTrue();
        assertThat(budget.path("on_exceed").asString()).isEqualTo("fail");
        assertThat(get(c, "/api/v1/tools/" + tool).path("description").asString()).isEqualTo("Look a customer up");

        ApplyResult again = c.apply().yaml(bundle, false);
        assertThat(again.created()).isEmpty();
        assertThat(again.updated()).isEmpty();
        assertThat(again.unchanged()).hasSize(5);

        ApplyResult edited = c.apply().yaml(bundle.replace("Look a customer up", "Find a customer").replace("skills: [tone]", "skills: []")
                .replace("{id: a, type: transform, with: {value: 1}}", "{id: a, type: transform, with: {value: 2}}"), false);
        assertThat(edited.updated()).extracting(a -> a.kind() + ":" + a.name() + " " + a.changed()).containsExactly(
                "tool:lookup [description]", "agent:helper [skills]", "runner:child [steps]");
        assertThat(get(c, "/api/v1/agents/" + helper + "/skills").path("data")).isEmpty();
        assertThat(get(c, "/api/v1/runners/" + parent + "/skills").path("data")).hasSize(1);
    }

    @Test
    void everyInvalidObjectIsListedWithItsPathAndUnknownFieldsAreWarnings() {
        GriddleClient c = newOrg();
        String bundle = """
                integrations:
                  - {name: "a__b", kind: oracle, url: "jdbc:oracle:thin:@x"}
                  - {name: private, kind: postgresql, url: "jdbc:postgresql://10.0.0.5:5432/x"}
                  - {name: numeric, kind: postgresql, url: "jdbc:postgresql://127.0.0.1:5432/x", password: 987654321}
                mcp_servers:
                  - {name: Bad, slug: "Bad Slug", transport: streamable_http, url: "http://127.0.0.1:9/mcp"}
                tools:
                  - {name: t, http: {method: GET, url: "http://127.0.0.1:9/"}}
                skills:
                  - {name: s}
                agents:
                  - {name: hot, temperature: 5, web: {enabled: yes please}}
                  - {name: typed, temperature: warm}
                  - {name: hot}
                runners:
                  - name: r
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    budget: {on_exceed: explode}
                    mcps: linear
                """;
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bundle, false));
        assertThat(errorPaths(e)).contains("integrations[0].name", "integrations[0].kind", "integrations[1].url", "mcp_servers[0].slug",
                "tools[0].parameters", "skills[0].instructions", "agents[0].temperature", "agents[0].web.enabled", "agents[1].temperature",
                "agents[2].name", "runners[0].budget.on_exceed", "runners[0].mcps");
        assertThat(e.details().get("errors").toString()).contains("private");
        assertThat(errorPaths(e)).contains("integrations[2].password");
        assertThat(e.details().toString() + e.getMessage()).doesNotContain("987654321");
        assertEnvelope(c.raw("POST", "/api/v1/apply", "{}", Map.of("Content-Type", "not a media type")), 400, "BAD_REQUEST");

        ApplyResult warned = c.apply().yaml("""
                colours: [red]
                skills: [{name: s, instructions: Be brief., colour: red}]
                runners: [{name: r, steps: [{id: a, type: transform, with: {value: 1}}], connections: {}}]
                """, true);
        assertThat(warned.warnings()).extracting(w -> w.path()).containsExactlyInAnyOrder("colours", "skills[0].colour", "runners[0].connections");
    }
}
