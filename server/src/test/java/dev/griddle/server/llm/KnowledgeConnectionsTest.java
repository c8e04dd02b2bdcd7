package dev.griddle.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.griddle.server.llm.KnowledgeSearchToolTest.ready;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.ScopeRef;
import dev.griddle.sdk.KnowledgeModels.Upload;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.TraceModels.Span;
import dev.griddle.server.knowledge.SampleDocuments;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Knowledge connections ({@code GET/PUT .../knowledge}) over HTTP: a runner connected to a
 * project's scope finds its documents with {@code knowledge_search} (against the fake provider)
 * and with a {@code retrieve} step, each passage cited; disconnected, it finds nothing. A step
 * naming an agent searches both owners' connections. Bad lists are refused naming the entry, and
 * leave the connections as they were.
 */
class KnowledgeConnectionsTest extends LlmTestBase {

    @Test
    void aConnectedProjectScopeIsSearchedWithItsCitationUntilTheConnectionIsRemoved() {
        GriddleClient client = newOrg();
        UUID project = client.projects().create("p-" + UUID.randomUUID(), null).id();
        Runner runner = runner(client, """
                project_id: %s
                steps:
                  - id: find
                    type: retrieve
                    with: {query: "return the corvina kettle"}
                  - id: ask
                    type: llm
                    with: {model: %s, prompt: "How long may I return the kettle? {{ input.tag }}", tools: [knowledge_search]}
                """.formatted(project, MODEL));
        Document manual = ready(client, client.knowledge().create(DocumentInput.text("Kettle manual",
                "# Returns\n\nA customer may return the corvina kettle within 30 days of delivery.", "project", project)).id());
        Owner owner = Owner.runner(runner.id());
        assertThat(client.knowledge().connections(owner)).isEmpty();

        assertThat(client.knowledge().connect(owner, List.of(ScopeRef.project(project)))).containsExactly(ScopeRef.project(project));
        assertThat(client.knowledge().connections(owner)).containsExactly(ScopeRef.project(project));

        String tag = tag();
        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "knowledge_search", "{\"query\": \"return the corvina kettle\"}", 10, 5),
                FakeProvider.openAiText("Within 30 days (Kettle manual, passage 0).", 20, 5));
        Run run = runToEnd(client, runner.id(), "{\"tag\": \"" + tag + "\"}");
        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode results = output(client, run, "ask").path("tool_calls").get(0).path("result").path("results");
        assertThat(results.size()).isEqualTo(1);
        JsonNode citation = results.get(0).path("citation");
        assertThat(citation.path("document_id").asString()).isEqualTo(manual.id().toString());
        assertThat(citation.path("title").asString()).isEqualTo("Kettle manual");
        assertThat(citation.path("position").asInt()).isZero();
        assertThat(FAKE.requests(tag).get(1).body().path("messages").toString()).contains("within 30 days").contains(manual.id().toString());
        JsonNode chunks = output(client, run, "find").path("chunks");
        assertThat(chunks.size()).isEqualTo(1);
        assertThat(chunks.get(0).path("document_id").asString()).isEqualTo(manual.id().toString());
        // each search is a retrieval span: the retrieve step's under its step, the tool call's under the tool span
        List<Span> retrievals = client.traces().get(run.id()).spans().stream().filter(s -> s.kind().equals("retrieval")).toList();
        assertThat(retrievals).extracting(Span::name).containsExactlyInAnyOrder("retrieve", "knowledge_search");
        for (Span span : retrievals) {
            assertThat(span.status()).isEqualTo("succeeded");
            assertThat(span.durationMs()).isNotNull();
            assertThat(span.attributes()).containsEntry("query", "return the corvina kettle").containsEntry("hit_count", 1);
            assertThat(span.attributes().get("hits").toString()).contains(manual.id().toString()).contains("Kettle manual").contains("position=0");
        }
        Map<String, Span> byId = client.traces().get(run.id()).spans().stream().collect(Collectors.toMap(Span::id, s -> s));
        assertThat(retrievals).allSatisfy(s -> assertThat(byId.get(s.parentId()).kind()).isIn("step", "tool"));

        assertThat(client.knowledge().connect(owner, List.of())).isEmpty();
        String again = tag();
        FAKE.script(again, FakeProvider.openAiToolCall("c1", "knowledge_search", "{\"query\": \"return the corvina kettle\"}", 10, 5),
                FakeProvider.openAiText("I found nothing.", 20, 5));
        Run after = runToEnd(client, runner.id(), "{\"tag\": \"" + again + "\"}");
        assertThat(after.status()).as(String.valueOf(after.error())).isEqualTo("succeeded");
        assertThat(output(client, after, "ask").path("tool_calls").get(0).path("result").path("results").size()).isZero();
        assertThat(output(client, after, "find").path("chunks").size()).isZero();
        assertThat(client.traces().get(after.id()).spans()).filteredOn(s -> s.kind().equals("retrieval")).hasSize(2)
                .allSatisfy(s -> assertThat(s.attributes()).containsEntry("hit_count", 0));
        // analytics count them: two searches in each run
        assertThat(client.analytics().summary("window=day").retrievals()).isEqualTo(4);
    }

    /** The example of docs/knowledge.md ("End to end"): a PDF uploaded to a project, connected to a runner, cited in its answer. */
    @Test
    void aPdfUploadedToAProjectAndConnectedToARunnerIsCitedInTheAnswer() {
        GriddleClient client = newOrg();
        UUID project = client.projects().create("support-" + UUID.randomUUID(), null).id();
        byte[] pdf = SampleDocuments.pdf("Troubleshooting", "Error E-4012 means the flow sensor is offline.",
                "Reseat the sensor cable, then restart the pump.");
        Document handbook = ready(client, client.knowledge().upload(Upload.of("handbook.pdf", pdf, "project", project)).id());
        assertThat(handbook.title()).isEqualTo("handbook.pdf");
        Runner runner = runner(client, """
                project_id: %s
                input_schema: {type: object, required: [question], properties: {question: {type: string}}}
                steps:
                  - id: answer
                    type: llm
                    with:
                      model: %s
                      tools: [knowledge_search]
                      system: "Answer from the handbook only, citing the document title and passage."
                      prompt: "{{ input.question }}"
                """.formatted(project, MODEL));
        client.knowledge().connect(Owner.runner(runner.id()), List.of(ScopeRef.project(project)));

        String tag = tag();
        String question = "What does error E-4012 mean? " + tag;
        FAKE.script(tag,
                FakeProvider.openAiToolCall("c1", "knowledge_search", "{\"query\": \"error E-4012\"}", 10, 5),
                FakeProvider.openAiText("The flow sensor is offline (handbook.pdf, passage 0).", 20, 5));
        Run run = runToEnd(client, runner.id(), FakeProvider.JSON.createObjectNode().put("question", question).toString());

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode answer = output(client, run, "answer");
        assertThat(answer.path("text").asString()).isEqualTo("The flow sensor is offline (handbook.pdf, passage 0).");
        JsonNode hit = answer.path("tool_calls").get(0).path("result").path("results").get(0);
        assertThat(hit.path("text").asString()).contains("Error E-4012 means the flow sensor is offline.");
        assertThat(hit.path("citation").path("document_id").asString()).isEqualTo(handbook.id().toString());
        assertThat(hit.path("citation").path("title").asString()).isEqualTo("handbook.pdf");
        // the model was handed the PDF's passage and its citation before it answered
        String secondRequest = FAKE.requests(tag).get(1).body().path("messages").toString();
        assertThat(secondRequest).contains("flow sensor is offline").contains("handbook.pdf").contains(handbook.id().toString());
    }

    @Test
    void aStepNamingAnAgentSearchesTheRunnersAndTheAgentsConnectionsTogether() {
        GriddleClient client = newOrg();
        UUID project = client.projects().create("p-" + UUID.randomUUID(), null).id();
        UUID agent = client.agents().create(new AgentInput("helper-" + UUID.randomUUID(), null, MODEL, "answer", null, project)).id();
        String tag = tag();
        Runner runner = runner(client, """
                project_id: %s
                steps:
                  - id: ask
                    type: llm
                    with: {model: %s, agent_id: %s, prompt: "Tell me about walruses %s", tools: [knowledge_search]}
                """.formatted(project, MODEL, agent, tag));
        Document inProject = ready(client, client.knowledge().create(DocumentInput.text("Project notes", "The walrus budget is eleven fish.", "project",
                project)).id());
        Document orgWide = ready(client, client.knowledge().create(DocumentInput.text("Handbook", "Every walrus wears a hat.", "org", null)).id());
        client.knowledge().connect(Owner.runner(runner.id()), List.of(ScopeRef.project(project)));
        client.knowledge().connect(Owner.agent(agent), List.of(ScopeRef.org(), ScopeRef.project(project)));
        assertThat(client.knowledge().connections(Owner.agent(agent))).containsExactly(ScopeRef.org(), ScopeRef.project(project));

        FAKE.script(tag, FakeProvider.openAiToolCall("c1", "knowledge_search", "{\"query\": \"walrus\", \"top_k\": 5}", 10, 5),
                FakeProvider.openAiText("Hats and fish.", 20, 5));
        Run run = runToEnd(client, runner.id(), null);

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        List<String> cited = new ArrayList<>();
        output(client, run, "ask").path("tool_calls").get(0).path("result").path("results")
                .forEach(r -> cited.add(r.path("citation").path("document_id").asString()));
        assertThat(cited).containsExactlyInAnyOrder(inProject.id().toString(), orgWide.id().toString());
    }

    @Test
    void badListsAreRefusedNamingTheEntryAndWriteNothing() {
        GriddleClient admin = newOrg();
        UUID pa = admin.projects().create("pa-" + UUID.randomUUID(), null).id();
        UUID pb = admin.projects().create("pb-" + UUID.randomUUID(), null).id();
        Runner runner = runner(admin, "project_id: " + pa + "\nsteps:\n  - {id: noop, type: transform, with: {value: 1}}\n");
        Runner inPb = runner(admin, "project_id: " + pb + "\nsteps:\n  - {id: noop, type: transform, with: {value: 1}}\n");
        UUID agentInPb = admin.agents().create(new AgentInput("pb-agent-" + UUID.randomUUID(), null, MODEL, "answer", null, pb)).id();
        Owner owner = Owner.runner(runner.id());
        admin.knowledge().connect(owner, List.of(ScopeRef.org()));

        // another project's scopes, or ones that do not exist, name the entry: 422, nothing written
        GriddleApiException otherProject = expectError(422, "VALIDATION_FAILED", () -> admin.knowledge().connect(owner,
                List.of(ScopeRef.project(pa), ScopeRef.project(pb), ScopeRef.runner(inPb.id()), ScopeRef.agent(agentInPb),
                        ScopeRef.agent(UUID.randomUUID()))));
        assertThat(otherProject.details().toString()).contains("scopes[1]").contains("scopes[2]").contains("scopes[3]").contains("scopes[4]")
                .contains("no knowledge scope project '" + pb + "' that this runner's project may search").doesNotContain("scopes[0]");
        GriddleApiException twice = expectError(422, "VALIDATION_FAILED",
                () -> admin.knowledge().connect(owner, List.of(ScopeRef.project(pa), ScopeRef.project(pa))));
        assertThat(twice.details().toString()).contains("scopes[1]").contains("names the same scope as scopes[0]");
        GriddleApiException malformed = expectError(422, "VALIDATION_FAILED", () -> admin.knowledge().connect(owner,
                List.of(new ScopeRef("shelf", null), new ScopeRef("project", null), new ScopeRef("org", pa))));
        assertThat(malformed.details().toString()).contains("scopes[0].scope_type").contains("scopes[1].scope_id").contains("required for scope_type project")
                .contains("scopes[2].scope_id").contains("must be left out for scope_type org");
        GriddleApiException tooMany = expectError(422, "VALIDATION_FAILED",
                () -> admin.knowledge().connect(owner, Collections.nCopies(21, ScopeRef.org())));
        assertThat(tooMany.details().toString()).contains("at most 20 scopes (griddle.knowledge.max-connected-scopes), held 21");
        GriddleApiException unknown = expectError(422, "VALIDATION_FAILED", () -> admin.send("PUT", "/api/v1/runners/" + runner.id() + "/knowledge",
                "{\"scopes\": [{\"scope_type\": \"org\", \"shelf\": 1}]}", Map.of()));
        assertThat(unknown.getMessage()).contains("scopes[0].shelf unknown field");
        assertThat(admin.knowledge().connections(owner)).containsExactly(ScopeRef.org());

        // a viewer reads, does not write; a key for PB and another organization find no such runner
        GriddleClient viewer = client(admin.keys().create(new CreateKey("viewer", "viewer", null, null)).secret());
        GriddleClient limited = client(admin.keys().create(new CreateKey("pb admin", "admin", List.of(pb), null)).secret());
        GriddleClient other = newOrg();
        assertThat(viewer.knowledge().connections(owner)).containsExactly(ScopeRef.org());
        expectError(403, "FORBIDDEN", () -> viewer.knowledge().connect(owner, List.of()));
        for (GriddleClient outsider : List.of(limited, other)) {
            expectError(404, "NOT_FOUND", () -> outsider.knowledge().connections(owner));
            expectError(404, "NOT_FOUND", () -> outsider.knowledge().connect(owner, List.of()));
        }
        // a key for PB cannot connect its runner to PA's project either: the key does not see it
        GriddleApiException hidden = expectError(422, "VALIDATION_FAILED",
                () -> limited.knowledge().connect(Owner.runner(inPb.id()), List.of(ScopeRef.project(pa))));
        assertThat(hidden.details().toString()).contains("scopes[0]");
        assertThat(admin.knowledge().connections(owner)).containsExactly(ScopeRef.org());

        // deleting a connected scope's owner deletes the link
        Owner agentOwner = Owner.agent(agentInPb);
        admin.knowledge().connect(agentOwner, List.of(ScopeRef.runner(inPb.id()), ScopeRef.project(pb)));
        admin.runners().delete(inPb.id());
        assertThat(admin.knowledge().connections(agentOwner)).containsExactly(ScopeRef.project(pb));
    }
}
