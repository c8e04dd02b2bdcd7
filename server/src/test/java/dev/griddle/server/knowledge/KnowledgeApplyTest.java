package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.TriggerModels.Applied;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The {@code knowledge} section of apply bundles: documents by title and scope, with a runner of the same bundle, unchanged on re-apply, all or nothing. */
class KnowledgeApplyTest extends KnowledgeTest {

    private static final String RUNNER = """
            runners:
              - name: support-bot
                steps:
                  - {id: t, type: transform, with: {value: 1}}
            """;

    @Test
    void documentsAreUpsertedByTitleAndScopeAlongsideTheirRunner() throws Exception {
        AtomicReference<String> page = new AtomicReference<>("<html><body><h1>Status</h1><p>The heron relay answers on port 7070.</p></body></html>");
        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/status.html", exchange -> {
            byte[] body = page.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        try {
            GriddleClient c = newOrg();
            UUID project = project(c);
            String url = "http://127.0.0.1:" + web.getAddress().getPort() + "/status.html";
            String bundle = RUNNER + """
                    knowledge:
                      - title: Refunds
                        scope_type: runner
                        scope: support-bot
                        text: "# Refunds\\n\\nRefunds over 500 EUR need the approval code RF-77."
                        metadata: {team: billing}
                      - title: Glossary
                        scope_type: org
                        text: "A widget is a small gadget."
                      - title: Project notes
                        scope_type: project
                        scope: "%s"
                        text: "The project ships on Fridays."
                      - title: Status page
                        scope_type: org
                        url: "%s"
                    """.formatted(project, url);

            ApplyResult dry = c.apply().yaml(bundle, true);
            assertThat(names(dry.created())).containsExactlyInAnyOrder("runner:support-bot", "document:Refunds", "document:Glossary",
                    "document:Project notes", "document:Status page");
            assertThat(c.knowledge().list(null, null, PageRequest.first()).data()).isEmpty();

            ApplyResult applied = c.apply().yaml(bundle, false);
            assertThat(names(applied.created())).hasSize(5);
            UUID runner = c.runners().list(PageRequest.first()).data().stream().filter(r -> r.name().equals("support-bot")).map(Runner::id)
                    .findFirst().orElseThrow();
            Document refunds = ready(c, id(applied.created(), "Refunds"));
            assertThat(refunds.scopeType()).isEqualTo("runner");
            assertThat(refunds.scopeId()).isEqualTo(runner);
            assertThat(refunds.metadata()).containsEntry("team", "billing");
            assertThat(ready(c, id(applied.created(), "Project notes")).scopeId()).isEqualTo(project);
            Document status = ready(c, id(applied.created(), "Status page"));
            assertThat(status.sourceUrl()).isEqualTo(url);
            assertThat(c.knowledge().search(SearchRequest.of("approval code", "runner", runner))).extracting(Hit::documentId)
                    .containsExactly(refunds.id());
            assertThat(c.knowledge().search(SearchRequest.of("heron relay", "org", null))).extracting(Hit::documentId)
                    .containsExactly(status.id());

            ApplyResult again = c.apply().yaml(bundle, false);
            assertThat(again.created()).isEmpty();
            assertThat(again.updated()).isEmpty();
            assertThat(names(again.unchanged())).hasSize(5);

            // new text: the next version, found instead of the old one; new metadata only: the same document
            page.set("<html><body><h1>Status</h1><p>The heron relay moved to port 9090.</p></body></html>");
            String changed = bundle.replace("code RF-77", "code RF-88").replace("A widget is a small gadget.\"", "A widget is a small gadget.\"\n    metadata: {v: 2}");
            ApplyResult updated = c.apply().yaml(changed, false);
            assertThat(updated.updated()).extracting(a -> a.name() + ":" + a.changed())
                    .containsExactlyInAnyOrder("Refunds:[text]", "Glossary:[metadata]", "Status page:[url]");
            Document refunds2 = ready(c, id(updated.updated(), "Refunds"));
            assertThat(refunds2.version()).isEqualTo(2);
            assertThat(id(updated.updated(), "Glossary")).isEqualTo(id(applied.created(), "Glossary"));
            assertThat(c.knowledge().get(id(applied.created(), "Glossary")).metadata()).containsEntry("v", 2);
            assertThat(c.knowledge().search(SearchRequest.of("approval code", "runner", runner))).extracting(Hit::text)
                    .singleElement().asString().contains("RF-88");
            ready(c, id(updated.updated(), "Status page"));
            assertThat(c.knowledge().search(SearchRequest.of("heron relay", "org", null))).extracting(Hit::text)
                    .singleElement().asString().contains("9090");
            expectError(404, "NOT_FOUND", () -> c.knowledge().get(refunds.id()));
        } finally {
            web.stop(0);
        }
    }

    @Test
    void aBadDocumentFailsTheWholeBundleAndWritesNothing() {
        GriddleClient c = newOrg();
        UUID otherProject = project(newOrg());
        String bundle = RUNNER + """
                knowledge:
                  - {scope_type: org, text: "no title"}
                  - {title: Both, scope_type: org, text: "x", url: "http://127.0.0.1:9/x"}
                  - {title: Neither, scope_type: org}
                  - {title: Lost, scope_type: runner, scope: no-such-runner, text: "x"}
                  - {title: Scoped org, scope_type: org, scope: support-bot, text: "x"}
                  - {title: Foreign, scope_type: project, scope: "%s", text: "x"}
                  - {title: Odd, scope_type: galaxy, text: "x"}
                  - {title: Meta, scope_type: org, text: "x", metadata: [1, 2]}
                  - {title: Twice, scope_type: org, text: "x"}
                  - {title: Twice, scope_type: org, text: "y"}
                  - {title: Refused, scope_type: org, url: "http://127.0.0.1:9/refused"}
                """.formatted(otherProject);
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bundle, false));
        assertThat(paths(e)).contains("knowledge[0].title", "knowledge[1].url", "knowledge[2].text", "knowledge[3].scope", "knowledge[4].scope",
                "knowledge[5].scope", "knowledge[6].scope_type", "knowledge[7].metadata", "knowledge[9].title", "knowledge[10].url");
        assertThat(e.details().toString()).contains("no runner with name 'no-such-runner'").contains("twice");
        assertThat(c.knowledge().list(null, null, PageRequest.first()).data()).isEmpty();
        assertThat(c.runners().list(PageRequest.first()).data()).isEmpty();
    }

    @Test
    void aKeyForSomeProjectsMayNotChangeOrganizationWideDocuments() {
        GriddleClient admin = newOrg();
        UUID project = project(admin);
        GriddleClient limited = client(admin.keys().create(new CreateKey("limited", "contributor", List.of(project), null)).secret());
        String orgDoc = """
                knowledge:
                  - {title: Policy, scope_type: org, text: "Passwords rotate yearly."}
                """;
        expectError(403, "FORBIDDEN", () -> limited.apply().yaml(orgDoc, false));
        assertThat(admin.knowledge().list(null, null, PageRequest.first()).data()).isEmpty();

        ApplyResult own = limited.apply().yaml("""
                knowledge:
                  - {title: Notes, scope_type: project, scope: "%s", text: "Standup at nine."}
                """.formatted(project), false);
        assertThat(names(own.created())).containsExactly("document:Notes");
        // once it exists unchanged, the shared bundle can be applied by the limited key too
        admin.apply().yaml(orgDoc, false);
        assertThat(names(limited.apply().yaml(orgDoc, false).unchanged())).containsExactly("document:Policy");
    }

    @Test
    void runnersAndAgentsCarryTheirKnowledgeConnections() {
        GriddleClient c = newOrg();
        UUID project = project(c);
        UUID other = project(c);
        String bundle = """
                agents:
                  - name: helper
                    model: openai/gpt-4o-mini
                    instructions: help
                    project_id: "%1$s"
                    knowledge: [{scope_type: org}]
                runners:
                  - name: support-bot
                    project_id: "%1$s"
                    knowledge:
                      - {scope_type: project, scope: "%1$s"}
                      - {scope_type: agent, scope: helper}
                    steps:
                      - {id: t, type: transform, with: {value: 1}}
                """.formatted(project);
        ApplyResult applied = c.apply().yaml(bundle, false);
        UUID runner = id(applied.created(), "support-bot");
        UUID agent = id(applied.created(), "helper");
        assertThat(c.knowledge().connections(dev.griddle.sdk.ConnectionModels.Owner.runner(runner)))
                .containsExactly(dev.griddle.sdk.KnowledgeModels.ScopeRef.project(project), dev.griddle.sdk.KnowledgeModels.ScopeRef.agent(agent));
        assertThat(c.knowledge().connections(dev.griddle.sdk.ConnectionModels.Owner.agent(agent)))
                .containsExactly(dev.griddle.sdk.KnowledgeModels.ScopeRef.org());

        assertThat(names(c.apply().yaml(bundle, false).unchanged())).containsExactlyInAnyOrder("agent:helper", "runner:support-bot");
        ApplyResult fewer = c.apply().yaml(bundle.replace("      - {scope_type: agent, scope: helper}\n", ""), false);
        assertThat(fewer.updated()).extracting(a -> a.name() + ":" + a.changed()).containsExactly("support-bot:[knowledge]");
        assertThat(c.knowledge().connections(dev.griddle.sdk.ConnectionModels.Owner.runner(runner)))
                .containsExactly(dev.griddle.sdk.KnowledgeModels.ScopeRef.project(project));

        // another project's scope, an unknown runner, a bad entry, twice the same: 422 naming each entry, nothing written
        String bad = bundle.replace("knowledge: [{scope_type: org}]", "knowledge: [{scope_type: project, scope: \"" + other + "\"}]")
                .replace("      - {scope_type: agent, scope: helper}\n", "      - {scope_type: runner, scope: nobody}\n      - oops\n"
                        + "      - {scope_type: project, scope: \"" + project + "\"}\n");
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bad, false));
        assertThat(paths(e)).contains("agents[0].knowledge[0]", "runners[0].knowledge[1].scope", "runners[0].knowledge[2]", "runners[0].knowledge[3]");
        assertThat(e.details().toString()).contains("that this agent's project may search").contains("names the same scope as");
        assertThat(c.knowledge().connections(dev.griddle.sdk.ConnectionModels.Owner.agent(agent)))
                .containsExactly(dev.griddle.sdk.KnowledgeModels.ScopeRef.org());
    }

    private static List<String> names(List<Applied> applied) {
        return applied.stream().map(a -> a.kind() + ":" + a.name()).toList();
    }

    private static UUID id(List<Applied> applied, String name) {
        return applied.stream().filter(a -> a.name().equals(name)).map(Applied::id).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> paths(GriddleApiException e) {
        List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
        return errors.stream().map(m -> String.valueOf(m.get("path"))).toList();
    }
}
