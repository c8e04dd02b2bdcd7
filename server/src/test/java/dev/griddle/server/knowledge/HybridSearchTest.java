package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.server.knowledge.vector.Embedder;
import dev.griddle.server.knowledge.vector.ScopeFilter;
import dev.griddle.server.knowledge.vector.VectorIndex;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Hybrid search end to end: documents posted through the SDK are chunked, embedded in the
 * background by the local model and put in every node's index by {@code NOTIFY}; a question
 * sharing no word with its answer finds it through the vectors; deleting takes a document out at
 * once; a change of model re-embeds; another organization never sees the chunks.
 */
class HybridSearchTest extends KnowledgeTest {

    static final String BATTERY = "Backup during outages. When the utility supply fails, the Heliobank unit switches over within twenty "
            + "milliseconds and runs essential circuits for roughly eight hours on a full charge.";
    static final String ESPRESSO = "Descaling the Brewline. Run the descaling program every two months with a citric acid solution, then "
            + "rinse the water tank twice before brewing.";
    static final String NOTES = "Syncing notes. Notes sync across devices signed in to the same account; offline edits merge on reconnect.";
    /** Shares no lexeme with {@link #BATTERY} (checked in the test through full-text alone). */
    static final String PARAPHRASE = "How long will my house keep electricity if there is a blackout?";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    VectorIndex index;
    @Autowired
    Embedder embedder;
    @Autowired
    FullTextRanking fullText;

    @Test
    void aParaphrasedQuestionFindsItsChunkThroughVectorsWhereFullTextFindsNothing() {
        GriddleClient client = newOrg();
        UUID p = project(client);
        long started = System.nanoTime();
        Document battery = embedded(client, client.knowledge().create(DocumentInput.text("Home battery", BATTERY, "project", p)).id());
        System.out.printf("knowledge: a one-chunk text document ready and embedded %d ms after POST%n", (System.nanoTime() - started) / 1_000_000);
        started = System.nanoTime();
        embedded(client, client.knowledge().create(DocumentInput.text("Espresso", ESPRESSO, "project", p)).id());
        System.out.printf("knowledge: the next one-chunk document (model loaded) ready and embedded %d ms after POST%n",
                (System.nanoTime() - started) / 1_000_000);
        embedded(client, client.knowledge().create(DocumentInput.text("Notes", NOTES, "project", p)).id());

        List<Hit> hits = client.knowledge().search(SearchRequest.of(PARAPHRASE, "project", p).topK(3));
        assertThat(hits).isNotEmpty();
        assertThat(hits.getFirst().documentId()).isEqualTo(battery.id());
        assertThat(hits.getFirst().text()).contains("Heliobank");
        assertThat(hits.getFirst().score()).as("the fused score: 1/(60 + 1) from the vector list alone").isEqualTo(1.0 / 61, org.assertj.core.data.Offset.offset(1e-9));

        Scope scope = new Scope(ScopeType.PROJECT, p, p);
        List<KnowledgeRanking.Hit> textOnly = fullText.rank(new KnowledgeRanking.Request(orgOf(battery.id()), PARAPHRASE, List.of(scope), 3, null, null));
        assertThat(textOnly).as("full-text alone").noneMatch(h -> h.documentId().equals(battery.id()));

        // an identifier still comes first through the full-text side
        assertThat(client.knowledge().search(SearchRequest.of("Brewline descaling", "project", p)).getFirst().title()).isEqualTo("Espresso");
    }

    @Test
    void deletingTakesTheDocumentOutOfVectorResultsAtOnceAndOutOfTheIndex() {
        GriddleClient client = newOrg();
        Document battery = embedded(client, client.knowledge().create(DocumentInput.text("Home battery", BATTERY, "org", null)).id());
        assertThat(client.knowledge().search(SearchRequest.of(PARAPHRASE, "org", null))).extracting(Hit::documentId).contains(battery.id());
        UUID org = orgOf(battery.id());

        client.knowledge().delete(battery.id());

        assertThat(client.knowledge().search(SearchRequest.of(PARAPHRASE, "org", null))).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !indexed(org, battery.id()));
    }

    @Test
    void aNoticeFromAnotherNodeUpdatesTheIndexAndSearchNeverReturnsAGoneChunkMeanwhile() {
        GriddleClient client = newOrg();
        Document battery = embedded(client, client.knowledge().create(DocumentInput.text("Home battery", BATTERY, "org", null)).id());
        UUID org = orgOf(battery.id());

        // another node replaced its chunks: the rows go, but this node has not heard yet
        jdbc.sql("delete from knowledge_chunks where document_id = :id").param("id", battery.id()).update();
        assertThat(indexed(org, battery.id())).as("still in this node's index before the notice").isTrue();
        assertThat(client.knowledge().search(SearchRequest.of(PARAPHRASE, "org", null))).isEmpty();

        jdbc.sql("select pg_notify('knowledge_chunks', :id)").param("id", battery.id().toString()).query(Object.class).single();
        await().atMost(Duration.ofSeconds(10)).until(() -> !indexed(org, battery.id()));
    }

    @Test
    void aDocumentDeletedByACascadeLeavesEveryIndex() {
        GriddleClient client = newOrg();
        UUID p = project(client);
        Document battery = embedded(client, client.knowledge().create(DocumentInput.text("Home battery", BATTERY, "project", p)).id());
        UUID org = orgOf(battery.id());
        assertThat(indexed(org, battery.id())).isTrue();

        // deleting the project deletes its documents by foreign key, which no application code sees: the trigger announces them
        client.projects().delete(p);

        await().atMost(Duration.ofSeconds(10)).until(() -> !indexed(org, battery.id()));
    }

    @Test
    void aVectorOfAnotherModelIsReembeddedInTheBackground() {
        GriddleClient client = newOrg();
        Document notes = embedded(client, client.knowledge().create(DocumentInput.text("Notes", NOTES, "org", null)).id());
        jdbc.sql("update knowledge_chunks set embedding = decode('00000000', 'hex'), embedding_model = 'openai/old-model@1' where document_id = :d")
                .param("d", notes.id()).update();
        jdbc.sql("select pg_notify('knowledge_chunks', :id)").param("id", notes.id().toString()).query(Object.class).single();

        embedded(client, notes.id());
        assertThat(jdbc.sql("select octet_length(embedding) from knowledge_chunks where document_id = :d").param("d", notes.id())
                .query(Integer.class).list()).containsOnly(embedder.dimension() * Float.BYTES);
    }

    @Test
    void anotherOrganizationNeverFindsTheChunks() {
        GriddleClient owner = newOrg();
        Document battery = embedded(owner, owner.knowledge().create(DocumentInput.text("Home battery", BATTERY, "org", null)).id());
        GriddleClient other = newOrg();
        Document espresso = embedded(other, other.knowledge().create(DocumentInput.text("Espresso", ESPRESSO, "org", null)).id());

        List<Hit> hits = other.knowledge().search(SearchRequest.of(PARAPHRASE, "org", null).topK(10));
        assertThat(hits).extracting(Hit::documentId).doesNotContain(battery.id()).allMatch(espresso.id()::equals);
        UUID otherOrg = orgOf(espresso.id());
        assertThat(index.search(embedder.embed(PARAPHRASE), ScopeFilter.wholeOrg(otherOrg), 100))
                .as("the other organization's index scope").noneMatch(h -> h.documentId().equals(battery.id()));
    }

    /** The document once ready and every chunk holds a vector of the current model that this node's index holds. */
    private Document embedded(GriddleClient client, UUID id) {
        Document d = ready(client, id);
        UUID org = orgOf(id);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> jdbc.sql(
                "select count(*) from knowledge_chunks where document_id = :d and (embedding_model is distinct from :m)").param("d", id)
                .param("m", embedder.modelId()).query(Long.class).single() == 0 && indexed(org, id));
        return d;
    }

    private boolean indexed(UUID org, UUID documentId) {
        float[] any = new float[index.dimension()];
        java.util.Arrays.fill(any, 1f);
        return !index.search(any, ScopeFilter.wholeOrg(org).onlyDocuments(Set.of(documentId)), 1).isEmpty();
    }

    private UUID orgOf(UUID documentId) {
        return jdbc.sql("select org_id from knowledge_documents where id = :d").param("d", documentId).query(UUID.class).optional()
                .orElseThrow();
    }
}
