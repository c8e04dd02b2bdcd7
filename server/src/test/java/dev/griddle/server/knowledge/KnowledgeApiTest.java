package dev.griddle.server.knowledge;

import static dev.griddle.server.knowledge.KnowledgeTestSupport.ready;
import static dev.griddle.server.knowledge.KnowledgeTestSupport.settled;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Chunk;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Hit;
import dev.griddle.sdk.KnowledgeModels.SearchFilter;
import dev.griddle.sdk.KnowledgeModels.SearchRequest;
import dev.griddle.sdk.KnowledgeModels.Upload;
import dev.griddle.sdk.PageRequest;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Documents of every format in, ready, chunked with their structure, found by search; replacing, deleting, resuming, reindexing. */
class KnowledgeApiTest extends KnowledgeTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyFormatBecomesReadyAndSearchFindsItsPassage() {
        GriddleClient client = newOrg();
        UUID p = project(client);
        Map<String, Upload> uploads = new LinkedHashMap<>();
        uploads.put("zephyrine", Upload.of("manual.pdf", SampleDocuments.pdf("Operating manual", "The zephyrine valve opens at 40 bar."), "project", p));
        uploads.put("quillback", Upload.of("policy.docx", SampleDocuments.docx("Travel policy", "Quillback fares need approval from finance."), "project", p));
        uploads.put("marrowgate", Upload.of("deck.pptx", SampleDocuments.pptx("Roadmap 2027", "Marrowgate launches in spring."), "project", p));
        uploads.put("lanternfish", Upload.of("page.html", """
                <html><head><title>Help</title><script>var hidden = 'scriptword';</script></head>
                <body><h1>Help centre</h1><h2>Billing</h2><p>Lanternfish invoices are sent monthly.</p></body></html>
                """.getBytes(StandardCharsets.UTF_8), "project", p));
        uploads.put("brambleton", Upload.of("guide.md", """
                # Guide

                ## Errors

                Error E-4012 means the brambleton sensor is offline.
                """.getBytes(StandardCharsets.UTF_8), "project", p));
        uploads.put("corvina", Upload.of("prices.csv", "product,price\ncorvina,12.50\nsalmon,9.00\n".getBytes(StandardCharsets.UTF_8), "project", p));
        uploads.put("halcyon", Upload.of("notice.eml", SampleDocuments.eml("Maintenance window", "The halcyon cluster restarts on Sunday."),
                "project", p));
        uploads.put("tamarack", Upload.of("notes.txt", "First paragraph.\n\nThe tamarack key rotates yearly.\n".getBytes(StandardCharsets.UTF_8),
                "project", p));
        Map<String, UUID> ids = new LinkedHashMap<>();
        uploads.forEach((word, upload) -> {
            Document d = client.knowledge().upload(upload);
            assertThat(d.status()).isEqualTo("processing");
            assertThat(d.version()).isEqualTo(1);
            ids.put(word, d.id());
        });
        ids.forEach((word, id) -> {
            Document d = ready(client, id);
            assertThat(d.chunks()).as(d.title()).isPositive();
            List<Hit> hits = client.knowledge().search(SearchRequest.of(word, "project", p));
            assertThat(hits).as("search for %s", word).isNotEmpty();
            assertThat(hits.getFirst().documentId()).as("top hit for %s", word).isEqualTo(id);
            assertThat(hits.getFirst().text()).containsIgnoringCase(word);
            assertThat(hits.getFirst().score()).isPositive();
        });

        List<Chunk> md = client.knowledge().chunks(ids.get("brambleton"), PageRequest.first()).data();
        assertThat(md).anySatisfy(c -> {
            assertThat(c.headingPath()).containsExactly("Guide", "Errors");
            assertThat(c.text()).contains("E-4012");
        });
        List<Chunk> html = client.knowledge().chunks(ids.get("lanternfish"), PageRequest.first()).data();
        assertThat(html).anySatisfy(c -> assertThat(c.headingPath()).containsExactly("Help centre", "Billing"));
        assertThat(html).noneSatisfy(c -> assertThat(c.text()).contains("scriptword"));
        assertThat(client.knowledge().chunks(ids.get("quillback"), PageRequest.first()).data()).anySatisfy(c -> {
            assertThat(c.headingPath()).containsExactly("Travel policy");
            assertThat(c.text()).contains("Quillback fares");
        });
        assertThat(client.knowledge().chunks(ids.get("corvina"), PageRequest.first()).data()).anySatisfy(c ->
                assertThat(c.text()).contains("product: corvina | price: 12.50"));
        assertThat(client.knowledge().chunks(ids.get("halcyon"), PageRequest.first()).data().getFirst().headingPath())
                .containsExactly("Maintenance window");
        assertThat(client.knowledge().search(SearchRequest.of("E-4012", "project", p)).getFirst().documentId()).isEqualTo(ids.get("brambleton"));
        // a question without the exact wording still finds the passage (stemming, any word)
        assertThat(client.knowledge().search(SearchRequest.of("when are the invoices sent?", "project", p)).getFirst().documentId())
                .isEqualTo(ids.get("lanternfish"));
    }

    @Test
    void aScannedPdfFailsForWantOfOcr() {
        GriddleClient client = newOrg();
        Document d = settled(client, client.knowledge().upload(Upload.of("scan.pdf", SampleDocuments.scannedPdf(), "org", null)).id());
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.error()).contains("OCR");
        assertThat(d.chunks()).isZero();
    }

    @Test
    void theSameTitleInTheSameScopeReplacesTheDocument() {
        GriddleClient client = newOrg();
        Document v1 = ready(client, client.knowledge().create(DocumentInput.text("Leave policy", "Staff get twenty days of alpaca leave.", "org", null)).id());
        Document same = client.knowledge().create(DocumentInput.text("Leave policy", "Staff get twenty days of alpaca leave.", "org", null)
                .withMetadata(Map.of("team", "hr")));
        assertThat(same.id()).isEqualTo(v1.id());
        assertThat(same.version()).isEqualTo(1);
        assertThat(same.metadata()).containsEntry("team", "hr");

        Document v2 = client.knowledge().create(DocumentInput.text("Leave policy", "Staff get thirty days of bobcat leave.", "org", null));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.id()).isNotEqualTo(v1.id());
        expectError(404, "NOT_FOUND", () -> client.knowledge().get(v1.id()));
        ready(client, v2.id());
        assertThat(client.knowledge().search(SearchRequest.of("alpaca", "org", null))).isEmpty();
        assertThat(client.knowledge().search(SearchRequest.of("bobcat", "org", null))).extracting(Hit::documentId).containsExactly(v2.id());
        assertThat(client.knowledge().list("org", null, PageRequest.first()).data()).extracting(Document::title).containsExactly("Leave policy");
        // another scope may hold the same title
        UUID p = project(client);
        assertThat(client.knowledge().create(DocumentInput.text("Leave policy", "Project rules.", "project", p)).version()).isEqualTo(1);
    }

    @Test
    void deleteRemovesTheDocumentFromSearchAtOnce() {
        GriddleClient client = newOrg();
        Document d = ready(client, client.knowledge().create(DocumentInput.text("Runbook", "Restart the gryphon service with care.", "org", null)).id());
        assertThat(client.knowledge().search(SearchRequest.of("gryphon", "org", null))).hasSize(1);
        client.knowledge().delete(d.id());
        assertThat(client.knowledge().search(SearchRequest.of("gryphon", "org", null))).isEmpty();
        expectError(404, "NOT_FOUND", () -> client.knowledge().get(d.id()));
        assertThat(jdbc.sql("select count(*) from knowledge_chunks where document_id = :d").param("d", d.id()).query(Long.class).single()).isZero();
    }

    @Test
    void searchFiltersByDocumentAndMetadataAndRespectsTopK() {
        GriddleClient client = newOrg();
        Document a = ready(client, client.knowledge().create(DocumentInput.text("A", "The osprey protocol, part one.", "org", null)
                .withMetadata(Map.of("lang", "en", "year", 2026))).id());
        Document b = ready(client, client.knowledge().create(DocumentInput.text("B", "The osprey protocol, part two.", "org", null)
                .withMetadata(Map.of("lang", "de"))).id());
        assertThat(client.knowledge().search(SearchRequest.of("osprey", "org", null))).hasSize(2);
        assertThat(client.knowledge().search(SearchRequest.of("osprey", "org", null).topK(1))).hasSize(1);
        assertThat(client.knowledge().search(SearchRequest.of("osprey", "org", null).filter(new SearchFilter(List.of(b.id()), null))))
                .extracting(Hit::documentId).containsExactly(b.id());
        assertThat(client.knowledge().search(SearchRequest.of("osprey", "org", null).filter(new SearchFilter(null, Map.of("lang", "en")))))
                .extracting(Hit::documentId).containsExactly(a.id());
        expectError(422, "VALIDATION_FAILED", () -> client.knowledge().search(SearchRequest.of("osprey", "org", null).topK(0)));
        expectError(422, "VALIDATION_FAILED", () -> client.knowledge().search(SearchRequest.of(" ", "org", null)));
    }

    @Test
    void aDocumentWhoseNodeDiedMidIngestIsResumedWithoutDuplicates() {
        GriddleClient client = newOrg();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("## Section ").append(i).append("\n\nParagraph ").append(i).append(" about the heron ledger, entry ").append(i).append(".\n\n");
        }
        Document d = ready(client, client.knowledge().create(DocumentInput.text("Ledger", text.toString(), "org", null)).id());
        // as if another node had claimed it again and died after writing half its chunks
        jdbc.sql("""
                update knowledge_documents set status = 'processing', lease_owner = :dead, lease_expires_at = now() - interval '1 second'
                where id = :id
                """).param("dead", UUID.randomUUID()).param("id", d.id()).update();
        jdbc.sql("delete from knowledge_chunks where document_id = :id and position % 2 = 0").param("id", d.id()).update();
        Document resumed = ready(client, d.id());
        assertThat(resumed.chunks()).isEqualTo(d.chunks());
        assertThat(jdbc.sql("select count(*) from knowledge_chunks where document_id = :id").param("id", d.id()).query(Long.class).single())
                .isEqualTo(d.chunks());
    }

    @Test
    void reindexExtractsAgainFromTheStoredFile() {
        GriddleClient client = newOrg();
        Document d = ready(client, client.knowledge().upload(Upload.of("a.md", "# Title\n\nThe kestrel rule.".getBytes(StandardCharsets.UTF_8),
                "org", null)).id());
        jdbc.sql("delete from knowledge_chunks where document_id = :id").param("id", d.id()).update();
        assertThat(client.knowledge().reindex(d.id()).status()).isEqualTo("processing");
        assertThat(ready(client, d.id()).chunks()).isEqualTo(d.chunks());
        assertThat(client.knowledge().search(SearchRequest.of("kestrel", "org", null))).hasSize(1);
    }

    @Test
    void aUrlIsFetchedOnceThroughTheOutboundGuard() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/doc.html", exchange -> {
            byte[] body = "<html><body><h1>Remote</h1><p>The pelican gateway is on port 8443.</p></body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            GriddleClient client = newOrg();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/doc.html";
            Document d = ready(client, client.knowledge().create(DocumentInput.url("Remote doc", url, "org", null)).id());
            assertThat(d.sourceUrl()).isEqualTo(url);
            assertThat(client.knowledge().search(SearchRequest.of("pelican", "org", null))).extracting(Hit::documentId).containsExactly(d.id());
            expectError(422, "URL_NOT_FETCHED", () -> client.knowledge().create(DocumentInput.url("Gone", url.replace("doc.html", "missing"), "org",
                    null)));
        } finally {
            server.stop(0);
        }
    }
}
