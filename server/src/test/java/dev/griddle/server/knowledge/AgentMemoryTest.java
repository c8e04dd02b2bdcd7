package dev.griddle.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.MemoryEntry;
import dev.griddle.sdk.AgentModels.MemoryHit;
import dev.griddle.sdk.AgentModels.MemoryInput;
import dev.griddle.sdk.AgentModels.MemoryQuery;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Agents' memory over HTTP through the SDK, on the knowledge tests' server (vectors on): entries
 * embedded by the same loop and found by the same fusion as chunks, per user, deleted from search
 * at once, and every bad request refused before anything is written.
 */
class AgentMemoryTest extends KnowledgeTest {

    private static UUID agent(GriddleClient client, UUID project) {
        return client.agents().create(new AgentInput("mem-" + UUID.randomUUID(), null, "openai/gpt-4o-mini", "answer", null, project)).id();
    }

    private static List<MemoryHit> search(GriddleClient client, UUID agent, String query, String user) {
        return client.agents().memory().search(agent, new MemoryQuery(query, user, 5));
    }

    @Test
    void aRememberedFactIsRecalledByAParaphraseThatSharesNoWordWithIt() {
        GriddleClient client = newOrg();
        UUID agent = agent(client, null);
        MemoryEntry fact = client.agents().memory().remember(agent, new MemoryInput("Dana is allergic to peanuts.", "dana"));
        client.agents().memory().remember(agent, new MemoryInput("Dana's invoices go to the Rotterdam office.", "dana"));
        assertThat(fact.source()).isEqualTo("api");
        assertThat(fact.user()).isEqualTo("dana");
        assertThat(fact.agentId()).isEqualTo(agent);

        List<MemoryHit> hits = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> search(client, agent, "which foods should she never eat", "dana"), h -> !h.isEmpty());

        assertThat(hits.getFirst().id()).isEqualTo(fact.id());
        assertThat(hits.getFirst().text()).isEqualTo("Dana is allergic to peanuts.");
        assertThat(hits.getFirst().score()).isPositive();
        assertThat(search(client, agent, "which foods should she never eat", null)).as("entries without a user are another set").isEmpty();
    }

    @Test
    void usersAreIsolatedAndForgettingAUserRemovesAllOfTheirsAtOnce() {
        GriddleClient client = newOrg();
        UUID agent = agent(client, null);
        var memory = client.agents().memory();
        MemoryEntry ann = memory.remember(agent, new MemoryInput("Prefers the invoice in Portuguese", "ann"));
        memory.remember(agent, new MemoryInput("Invoice address is Lisbon", "ann"));
        MemoryEntry bob = memory.remember(agent, new MemoryInput("Prefers the invoice in German", "bob"));
        MemoryEntry nobody = memory.remember(agent, new MemoryInput("The invoice team meets on Mondays", null));

        assertThat(search(client, agent, "invoice", "ann")).extracting(MemoryHit::user).containsOnly("ann").hasSize(2);
        assertThat(search(client, agent, "invoice", "bob")).extracting(MemoryHit::id).containsExactly(bob.id());
        assertThat(search(client, agent, "invoice", null)).extracting(MemoryHit::id).containsExactly(nobody.id());
        assertThat(memory.list(agent, "ann", PageRequest.first()).meta().total()).isEqualTo(2);
        assertThat(memory.list(agent, null, PageRequest.first()).meta().total()).isEqualTo(4);

        memory.forget(agent, ann.id());
        assertThat(search(client, agent, "Portuguese invoice", "ann")).extracting(MemoryHit::id).doesNotContain(ann.id()).hasSize(1);
        assertThat(memory.forgetUser(agent, "ann")).isEqualTo(1);
        assertThat(search(client, agent, "invoice", "ann")).isEmpty();
        assertThat(memory.list(agent, "ann", PageRequest.first()).data()).isEmpty();
        assertThat(search(client, agent, "invoice", "bob")).hasSize(1);
        expectError(404, "NOT_FOUND", () -> memory.forget(agent, ann.id()));
    }

    @Test
    void aDeletedEntryLeavesTheVectorIndexOfThisNodeToo() {
        GriddleClient client = newOrg();
        UUID agent = agent(client, null);
        var memory = client.agents().memory();
        MemoryEntry fact = memory.remember(agent, new MemoryInput("The warehouse dog is called Biscuit.", "eve"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> search(client, agent, "what is the name of the pet animal", "eve"), h -> !h.isEmpty());

        memory.forget(agent, fact.id());

        assertThat(search(client, agent, "what is the name of the pet animal", "eve")).isEmpty();
    }

    @Test
    void badInputIsRefusedAndWritesNothing() {
        GriddleClient client = newOrg();
        UUID agent = agent(client, null);
        var memory = client.agents().memory();
        GriddleApiException empty = expectError(422, "VALIDATION_FAILED", () -> memory.remember(agent, new MemoryInput("  ", null)));
        assertThat(empty.details().toString()).contains("text");
        GriddleApiException big = expectError(422, "VALIDATION_FAILED", () -> memory.remember(agent, new MemoryInput("x".repeat(4001), null)));
        assertThat(big.details().toString()).contains("griddle.memory.max-text");
        expectError(422, "VALIDATION_FAILED", () -> memory.remember(agent, new MemoryInput("fine", "u".repeat(201))));
        expectError(422, "VALIDATION_FAILED", () -> memory.search(agent, new MemoryQuery("q", null, 0)));
        expectError(422, "VALIDATION_FAILED", () -> memory.search(agent, new MemoryQuery("", null, 3)));
        expectError(422, "VALIDATION_FAILED", () -> client.send("DELETE", "/api/v1/agents/" + agent + "/memory", null, java.util.Map.of()));
        expectError(404, "NOT_FOUND", () -> memory.remember(UUID.randomUUID(), new MemoryInput("lost", null)));
        assertThat(memory.list(agent, null, PageRequest.first()).meta().total()).isZero();

        GriddleClient other = newOrg();
        expectError(404, "NOT_FOUND", () -> other.agents().memory().remember(agent, new MemoryInput("planted", null)));
        expectError(404, "NOT_FOUND", () -> other.agents().memory().list(agent, null, PageRequest.first()));
        expectError(404, "NOT_FOUND", () -> other.agents().memory().search(agent, new MemoryQuery("planted", null, 3)));
        expectError(404, "NOT_FOUND", () -> other.agents().memory().forgetUser(agent, "x"));
        assertThat(memory.list(agent, null, PageRequest.first()).meta().total()).isZero();
    }

    @Test
    void viewersReadAndSearchButNeitherWriteNorDelete() {
        GriddleClient admin = newOrg();
        UUID project = project(admin);
        UUID agent = agent(admin, project);
        MemoryEntry entry = admin.agents().memory().remember(agent, new MemoryInput("Likes green tea", "kim"));
        GriddleClient viewer = client(admin.keys().create(new CreateKey("viewer", "viewer", List.of(project), null)).secret());
        var memory = viewer.agents().memory();

        assertThat(memory.list(agent, "kim", PageRequest.first()).data()).extracting(MemoryEntry::id).containsExactly(entry.id());
        assertThat(memory.search(agent, new MemoryQuery("green tea", "kim", 3))).extracting(MemoryHit::id).containsExactly(entry.id());
        assertThat(memory.settings(agent).autoIndexTurns()).isFalse();
        expectError(403, "FORBIDDEN", () -> memory.remember(agent, new MemoryInput("planted", "kim")));
        expectError(403, "FORBIDDEN", () -> memory.forget(agent, entry.id()));
        expectError(403, "FORBIDDEN", () -> memory.forgetUser(agent, "kim"));
        assertThat(admin.agents().memory().list(agent, null, PageRequest.first()).meta().total()).isEqualTo(1);
    }
}
