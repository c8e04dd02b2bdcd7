package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StepRun;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.run.RunnerFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The {@code retrieve} step over HTTP: a runner's own documents are searched without naming them,
 * named scopes are searched when the run's project sees them, and a scope of another project or
 * organization fails the step with a message that says nothing about what it holds.
 */
class RetrieveStepTest extends KnowledgeTest {

    @Test
    void aRetrieveStepFindsAPassageOfTheRunnersOwnDocument() {
        GriddleClient c = newOrg();
        Runner runner = runner(c, null, "{id: find, type: retrieve, with: {query: '{{ input.q }}', top_k: 3}}");
        Runner other = runner(c, null, "{id: noop, type: transform, with: {value: 1}}");
        Document manual = ready(c, c.knowledge().create(DocumentInput.text("Kettle manual", """
                # Returns

                A customer may return the corvina kettle within 30 days of delivery, in its box.

                # Cleaning

                Descale the heating plate monthly with white vinegar.
                """, "runner", runner.id())).id());
        Document elsewhere = ready(c, c.knowledge().create(DocumentInput.text("Other manual",
                "The corvina kettle may be returned within 90 days, says another runner's document.", "runner", other.id())).id());

        Run run = RunnerFixtures.runToEnd(c, runner.id(), "{\"q\": \"return the corvina kettle\"}");

        assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
        JsonNode chunks = step(c, run, "find").output().path("chunks");
        assertThat(chunks.isArray()).isTrue();
        assertThat(chunks.size()).isBetween(1, 3);
        JsonNode first = chunks.get(0);
        assertThat(first.path("document_id").asString()).isEqualTo(manual.id().toString());
        assertThat(first.path("title").asString()).isEqualTo("Kettle manual");
        assertThat(first.path("text").asString()).contains("within 30 days");
        assertThat(first.path("score").asDouble()).isPositive();
        assertThat(first.path("position").asInt()).isZero();
        assertThat(first.path("heading_path").get(0).asString()).isEqualTo("Returns");
        assertThat(documentIds(chunks)).doesNotContain(elsewhere.id().toString());
    }

    @Test
    void namedScopesAreSearchedOnlyWhenTheRunsProjectSeesThem() {
        GriddleClient c = newOrg();
        UUID pa = project(c);
        UUID pb = project(c);
        Document ofPa = ready(c, c.knowledge().create(DocumentInput.text("PA handbook", "The walrus door code is W-1234.", "project", pa)).id());
        Document ofOrg = ready(c, c.knowledge().create(DocumentInput.text("Org handbook", "Every walrus badge is blue.", "org", null)).id());
        ready(c, c.knowledge().create(DocumentInput.text("PB secrets", "The walrus vault code is V-9876.", "project", pb)).id());

        Runner inPa = runner(c, pa, "{id: find, type: retrieve, with: {query: walrus code badge, scopes: [{scope_type: project, scope_id: '"
                + pa + "'}, {scope_type: org}]}}");
        Run allowed = RunnerFixtures.runToEnd(c, inPa.id(), null);
        assertThat(allowed.status()).as(String.valueOf(allowed.error())).isEqualTo("succeeded");
        assertThat(documentIds(step(c, allowed, "find").output().path("chunks"))).containsExactlyInAnyOrder(ofPa.id().toString(),
                ofOrg.id().toString());

        // another project's scope, named by a runner of PA: the step fails, nothing of PB's document shows
        Runner reachingPb = runner(c, pa, "{id: find, type: retrieve, with: {query: walrus code, scopes: [{scope_type: project, scope_id: '"
                + pb + "'}]}}");
        assertRefused(c, reachingPb, "project '" + pb + "'");

        // another organization's runner naming this organization's project: the same failure, the same silence
        GriddleClient other = newOrg();
        Runner foreign = runner(other, null, "{id: find, type: retrieve, with: {query: walrus code, scopes: [{scope_type: project, scope_id: '"
                + pa + "'}]}}");
        assertRefused(other, foreign, "project '" + pa + "'");
        Runner foreignTemplated = runner(other, null, "{id: find, type: retrieve, with: {query: walrus code, scopes: '{{ input.scopes }}'}}");
        Run templated = RunnerFixtures.runToEnd(other, foreignTemplated.id(), "{\"scopes\": [{\"scope_type\": \"project\", \"scope_id\": \"" + pa + "\"}]}");
        assertThat(templated.status()).isEqualTo("failed");
        assertThat(step(other, templated, "find").error().path("message").asString()).contains("no knowledge scope project").doesNotContain("W-1234");
    }

    @Test
    void argumentsKnownOnlyWhenTheStepRunsAreCheckedThen() {
        GriddleClient c = newOrg();
        Runner runner = runner(c, null, "{id: find, type: retrieve, with: {query: anything, scopes: '{{ input.scopes }}'}}");
        assertThat(runner.valid()).isTrue();
        Run run = RunnerFixtures.runToEnd(c, runner.id(), "{\"scopes\": [{\"scope_type\": \"shelf\", \"scope_id\": \"x\"}]}");
        assertThat(run.status()).isEqualTo("failed");
        assertThat(step(c, run, "find").error().path("message").asString()).startsWith("retrieve: with.scopes[0].scope_type must be one of");

        // top_k's upper bound is the setting griddle.knowledge.max-top-k (50 here), checked when the step runs
        Runner greedy = runner(c, null, "{id: find, type: retrieve, with: {query: anything, top_k: 51}}");
        assertThat(greedy.valid()).isTrue();
        Run tooMany = RunnerFixtures.runToEnd(c, greedy.id(), null);
        assertThat(tooMany.status()).isEqualTo("failed");
        assertThat(step(c, tooMany, "find").error().path("message").asString())
                .isEqualTo("retrieve: with.top_k must be between 1 and 50 (griddle.knowledge.max-top-k), was 51");
    }

    private void assertRefused(GriddleClient c, Runner runner, String named) {
        Run run = RunnerFixtures.runToEnd(c, runner.id(), null);
        assertThat(run.status()).isEqualTo("failed");
        StepRun find = step(c, run, "find");
        assertThat(find.status()).isEqualTo("failed");
        assertThat(find.output() == null || find.output().isNull() || find.output().isMissingNode()).as(String.valueOf(find.output())).isTrue();
        assertThat(find.error().path("message").asString()).isEqualTo("retrieve: no knowledge scope " + named
                + " that this run may search (unknown, or of another project)");
    }

    private static Runner runner(GriddleClient c, UUID project, String step) {
        return c.runners().createYaml("name: r-" + UUID.randomUUID() + "\n" + (project == null ? "" : "project_id: " + project + "\n")
                + "steps:\n  - " + step + "\n");
    }

    private static List<String> documentIds(JsonNode chunks) {
        List<String> out = new ArrayList<>();
        chunks.forEach(chunk -> out.add(chunk.path("document_id").asString()));
        return out;
    }

    private static StepRun step(GriddleClient c, Run run, String id) {
        List<StepRun> steps = c.runs().steps(run.id());
        return steps.stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no step " + id + " in " + steps));
    }
}
