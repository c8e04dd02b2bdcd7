package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.sdk.KnowledgeModels.Upload;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Visibility: org documents are read and searched by every key of the organization and written
 * only by keys for all projects; project documents follow the project, agent documents the
 * agent's project as it is now. Another organization finds nothing, and every refusal leaves the
 * documents as they were.
 */
class KnowledgeTenancyTest extends KnowledgeTest {

    @Test
    void keysSeeOnlyTheirProjectsAndOrgWideDocumentsAndWriteOrgOnesOnlyForAllProjects() {
        GriddleClient admin = newOrg();
        UUID pa = project(admin);
        UUID pb = project(admin);
        UUID agent = admin.agents().create(new AgentInput("helper", null, "openai/gpt-4o-mini", "answer", null, pa)).id();
        GriddleClient limited = client(admin.keys().create(new CreateKey("pb admin", "admin", List.of(pb), null)).secret());
        GriddleClient viewer = client(admin.keys().create(new CreateKey("viewer", "viewer", null, null)).secret());
        GriddleClient other = newOrg();

        Document inPa = ready(admin, admin.knowledge().create(DocumentInput.text("PA notes", "The walrus budget is secret to PA.", "project", pa)).id());
        Document ofAgent = ready(admin, admin.knowledge().upload(Upload.of("agent.md", "# Agent\n\nThe walrus agent fact.".getBytes(
                StandardCharsets.UTF_8), "agent", agent)).id());
        Document orgWide = ready(admin, admin.knowledge().create(DocumentInput.text("Handbook", "Every walrus wears a hat.", "org", null)).id());

        // a key limited to PB: PA's and PA's agent's documents do not exist for it; org ones it reads and searches
        for (UUID hidden : List.of(inPa.id(), ofAgent.id())) {
            expectError(404, "NOT_FOUND", () -> limited.knowledge().get(hidden));
            expectError(404, "NOT_FOUND", () -> limited.knowledge().chunks(hidden, PageRequest.first()));
            expectError(404, "NOT_FOUND", () -> limited.knowledge().reindex(hidden));
            expectError(404, "NOT_FOUND", () -> limited.knowledge().delete(hidden));
        }
        assertThat(limited.knowledge().get(orgWide.id()).title()).isEqualTo("Handbook");
        assertThat(limited.knowledge().list(null, null, PageRequest.first()).data()).extracting(Document::id).containsExactly(orgWide.id());
        assertThat(limited.knowledge().list("project", pa, PageRequest.first()).data()).isEmpty();
        assertThat(limited.knowledge().search(SearchRequest.of("walrus", "org", null))).extracting(Hit::documentId).containsExactly(orgWide.id());
        expectError(404, "NOT_FOUND", () -> limited.knowledge().search(SearchRequest.of("walrus", "project", pa)));
        expectError(404, "NOT_FOUND", () -> limited.knowledge().search(SearchRequest.of("walrus", "agent", agent)));
        expectError(404, "NOT_FOUND", () -> limited.knowledge().create(DocumentInput.text("Sneaky", "x", "project", pa)));
        expectError(404, "NOT_FOUND", () -> limited.knowledge().upload(Upload.of("x.txt", new byte[] {'x'}, "agent", agent)));
        expectError(403, "FORBIDDEN", () -> limited.knowledge().create(DocumentInput.text("Handbook", "replaced", "org", null)));
        expectError(403, "FORBIDDEN", () -> limited.knowledge().delete(orgWide.id()));
        expectError(403, "FORBIDDEN", () -> limited.knowledge().reindex(orgWide.id()));
        // its own project it writes
        Document inPb = limited.knowledge().create(DocumentInput.text("PB notes", "PB's own walrus.", "project", pb));

        // a viewer reads and searches (a search is a read), writes nothing
        assertThat(viewer.knowledge().search(SearchRequest.of("walrus", "project", pa))).extracting(Hit::documentId).containsExactly(inPa.id());
        expectError(403, "FORBIDDEN", () -> viewer.knowledge().create(DocumentInput.text("V", "x", "org", null)));

        // another organization: nothing exists
        for (UUID id : List.of(inPa.id(), ofAgent.id(), orgWide.id(), inPb.id())) {
            expectError(404, "NOT_FOUND", () -> other.knowledge().get(id));
            expectError(404, "NOT_FOUND", () -> other.knowledge().delete(id));
        }
        assertThat(other.knowledge().list(null, null, PageRequest.first()).data()).isEmpty();
        assertThat(other.knowledge().search(SearchRequest.of("walrus", "org", null))).isEmpty();
        expectError(404, "NOT_FOUND", () -> other.knowledge().search(SearchRequest.of("walrus", "project", pa)));
        expectError(404, "NOT_FOUND", () -> other.knowledge().create(DocumentInput.text("X", "x", "agent", agent)));
        expectError(404, "NOT_FOUND", () -> other.knowledge().upload(Upload.of("x.txt", new byte[] {'x'}, "project", pa)));
        expectError(404, "NOT_FOUND", () -> other.knowledge().reindex(inPa.id()));
        expectError(404, "NOT_FOUND", () -> other.knowledge().chunks(orgWide.id(), PageRequest.first()));

        // nothing of A's changed through the refusals
        assertThat(admin.knowledge().list(null, null, PageRequest.first()).data()).extracting(Document::title)
                .containsExactlyInAnyOrder("PA notes", "agent.md", "Handbook", "PB notes");
        assertThat(admin.knowledge().get(orgWide.id()).version()).isEqualTo(1);

        // the agent moves to PB: its documents follow it
        admin.agents().update(agent, new AgentInput(null, null, null, null, null, pb));
        assertThat(limited.knowledge().get(ofAgent.id()).title()).isEqualTo("agent.md");
        assertThat(limited.knowledge().search(SearchRequest.of("walrus", "agent", agent))).extracting(Hit::documentId).containsExactly(ofAgent.id());
    }

    @Test
    void deletingTheOwnerDeletesItsDocuments() {
        GriddleClient admin = newOrg();
        UUID pa = project(admin);
        UUID agent = admin.agents().create(new AgentInput("owner", null, "openai/gpt-4o-mini", "answer", null, pa)).id();
        Document d = admin.knowledge().create(DocumentInput.text("Agent doc", "The okapi fact.", "agent", agent));
        admin.agents().delete(agent);
        expectError(404, "NOT_FOUND", () -> admin.knowledge().get(d.id()));
    }
}
