package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.server.ApiTest;
import dev.griddle.server.GriddleApplication;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.knowledge.vector.ScopeFilter;
import dev.griddle.server.knowledge.vector.VectorIndex;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two nodes on one database: a second server started beside the knowledge tests' one. A document
 * written through one node is embedded once and appears in the other node's index through
 * {@code NOTIFY}; deleted through one node, it leaves the other's index and search at once.
 */
class TwoNodeIndexTest extends KnowledgeTest {

    static ConfigurableApplicationContext second;

    @BeforeAll
    static void startSecondNode() {
        // as arguments: they outrank the test application.properties (which turns vectors off)
        second = new SpringApplicationBuilder(GriddleApplication.class).run(
                "--server.port=0", "--griddle.database-url=" + TestDatabase.url(), "--griddle.bootstrap-admin-key=" + ApiTest.INSTANCE_ADMIN_KEY,
                "--griddle.database-pool-size=6", "--griddle.engine.concurrency=2", "--griddle.engine.drain-timeout=1s",
                "--griddle.knowledge.vectors.enabled=true");
    }

    @AfterAll
    static void stopSecondNode() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aDocumentWrittenOnOneNodeIsInTheOtherNodesIndexAndLeavesItWhenDeleted() {
        String key = instanceAdmin().organizations().create("org-" + UUID.randomUUID()).adminKey();
        GriddleClient first = client(key);
        Document battery = ready(first, first.knowledge().create(DocumentInput.text("Home battery", HybridSearchTest.BATTERY, "org", null)).id());
        JdbcClient jdbc = second.getBean(JdbcClient.class);
        UUID org = jdbc.sql("select org_id from knowledge_documents where id = :d").param("d", battery.id()).query(UUID.class).single();
        VectorIndex otherIndex = second.getBean(VectorIndex.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> indexed(otherIndex, org, battery.id()));

        int port = ((WebServerApplicationContext) second).getWebServer().getPort();
        GriddleClient throughSecond = GriddleClient.builder("http://127.0.0.1:" + port).apiKey(key).build();
        assertThat(throughSecond.knowledge().search(SearchRequest.of(HybridSearchTest.PARAPHRASE, "org", null)))
                .extracting(Hit::documentId).containsExactly(battery.id());

        first.knowledge().delete(battery.id());

        assertThat(throughSecond.knowledge().search(SearchRequest.of(HybridSearchTest.PARAPHRASE, "org", null))).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !indexed(otherIndex, org, battery.id()));
    }

    private static boolean indexed(VectorIndex index, UUID org, UUID documentId) {
        float[] any = new float[index.dimension()];
        Arrays.fill(any, 1f);
        return !index.search(any, ScopeFilter.wholeOrg(org).onlyDocuments(Set.of(documentId)), 1).isEmpty();
    }
}
