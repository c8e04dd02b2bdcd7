package dev.griddle.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.KnowledgeModels.Upload;
import dev.griddle.sdk.Models.CreatedOrganization;
import dev.griddle.sdk.RawResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bad input and limits: each refused with a 4xx envelope, and nothing of the document written. */
class KnowledgeLimitsTest extends KnowledgeTest {

    @Autowired
    JdbcClient jdbc;

    private UUID org;
    private String adminKey;

    private GriddleClient org() {
        CreatedOrganization created = instanceAdmin().organizations().create("org-" + UUID.randomUUID());
        org = created.id();
        adminKey = created.adminKey();
        return client(adminKey);
    }

    private long documents() {
        return jdbc.sql("select count(*) from knowledge_documents where org_id = :org").param("org", org).query(Long.class).single();
    }

    private static byte[] noise(int bytes) {
        byte[] out = new byte[bytes];
        new Random(7).nextBytes(out);
        return out;
    }

    @Test
    void badUploadsAreRefusedWithNothingWritten() {
        GriddleClient client = org();
        byte[] text = "Some text.".getBytes(StandardCharsets.UTF_8);
        expectField(() -> client.knowledge().upload(Upload.of(null, null, "org", null)), "file");
        expectField(() -> client.knowledge().upload(Upload.of("a.txt", text, "galaxy", null)), "scope_type");
        expectField(() -> client.knowledge().upload(Upload.of("a.txt", text, "project", null)), "scope_id");
        expectField(() -> client.knowledge().upload(Upload.of("a.txt", text, "org", UUID.randomUUID())), "scope_id");
        expectError(404, "NOT_FOUND", () -> client.knowledge().upload(Upload.of("a.txt", text, "agent", UUID.randomUUID())));
        expectError(404, "NOT_FOUND", () -> client.knowledge().upload(Upload.of("a.txt", text, "runner", UUID.randomUUID())));
        RawResponse badMetadata = multipart(client, "metadata", "{not json");
        JsonNode error = assertEnvelope(badMetadata, 422, "VALIDATION_FAILED");
        assertThat(error.path("error").path("details").path("field_errors").has("metadata")).isTrue();
        assertEnvelope(multipart(client, "metadata", "[1, 2]"), 422, "VALIDATION_FAILED");
        expectError(413, "PAYLOAD_TOO_LARGE", () -> client.knowledge().upload(Upload.of("big.bin", noise(UPLOAD_LIMIT + 200_000), "org", null)));
        var bomb = expectError(422, "ZIP_BOMB", () -> client.knowledge().upload(Upload.of("bomb.docx", SampleDocuments.zipBomb(40), "org", null)));
        assertThat(bomb.getMessage()).contains("max-compression-ratio");
        expectField(() -> client.knowledge().create(new DocumentInput("T", "text", "http://127.0.0.1:9/x", "org", null, null)), "url");
        expectField(() -> client.knowledge().create(new DocumentInput("T", null, null, "org", null, null)), "text");
        expectField(() -> client.knowledge().create(new DocumentInput(null, "text", null, "org", null, null)), "title");
        assertThat(documents()).isZero();
    }

    @Test
    void aChunkedUploadPastTheLimitIs413() throws Exception {
        GriddleClient client = org();
        String boundary = "b" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"scope_type\"\r\n\r\norg\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + UPLOAD_LIMIT + 300_000];
        System.arraycopy(head, 0, body, 0, head.length);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/knowledge/upload"))
                .header("Authorization", "Bearer " + adminKey).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                // no Content-Length: the body streams in chunks
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        JsonNode error = JsonMapper.builder().build().readTree(response.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(error.path("details").path("limit_bytes").asLong()).isEqualTo(UPLOAD_LIMIT);
        assertThat(documents()).isZero();
    }

    @Test
    void anIdempotencyKeyOnAnUploadIsIgnoredSoTheBodyIsNotBuffered() throws Exception {
        GriddleClient client = org();
        HttpClient http = HttpClient.newHttpClient();
        for (String title : new String[] {"first", "second"}) {
            String boundary = "b" + UUID.randomUUID();
            String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"scope_type\"\r\n\r\norg\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title + "\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello " + title + "\r\n--" + boundary + "--\r\n";
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/knowledge/upload"))
                    .header("Authorization", "Bearer " + adminKey).header("Idempotency-Key", "same-key")
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
        }
        assertThat(documents()).isEqualTo(2);
    }

    @Test
    void theStorageQuotaIsPerOrganization() {
        GriddleClient client = org();
        client.knowledge().upload(Upload.of("one.bin", noise(2_500_000), "org", null));
        JsonNode details = JsonMapper.builder().build().valueToTree(expectError(422, "KNOWLEDGE_QUOTA_EXCEEDED",
                () -> client.knowledge().upload(Upload.of("two.bin", noise(2_000_000), "org", null))).details());
        assertThat(details.path("quota_bytes").asLong()).isEqualTo(4 * 1024 * 1024);
        assertThat(documents()).isOne();
        // replacing a document counts its new size instead of the old one
        client.knowledge().upload(Upload.of("one.bin", noise(1_500_000), "org", null).titled("one.bin"));
        assertThat(documents()).isOne();
        // another organization has its own quota
        newOrg().knowledge().upload(Upload.of("two.bin", noise(2_000_000), "org", null));
    }

    @Test
    void documentsPastTheExtractionLimitsFailNamingTheSetting() {
        GriddleClient client = org();
        var tooLong = KnowledgeTestSupport.settled(client, client.knowledge().create(DocumentInput.text("Long", "word ".repeat(50_000), "org",
                null)).id());
        assertThat(tooLong.status()).isEqualTo("failed");
        assertThat(tooLong.error()).contains("griddle.knowledge.max-chars");
        var tooManyPages = KnowledgeTestSupport.settled(client, client.knowledge().upload(Upload.of("long.pdf", SampleDocuments.pdfPages(25),
                "org", null)).id());
        assertThat(tooManyPages.status()).isEqualTo("failed");
        assertThat(tooManyPages.error()).contains("25 pages").contains("griddle.knowledge.max-pages");
        assertThat(jdbc.sql("select count(*) from knowledge_chunks where org_id = :org").param("org", org).query(Long.class).single()).isZero();
    }

    @Test
    void anUploadHasItsOwnLimitAboveTheJsonBodyLimit() {
        GriddleClient client = org();
        // 2.5 MB: over griddle.http.max-body-size (2MB), under the upload's 3MB
        assertThat(client.knowledge().upload(Upload.of("big.bin", noise(2_500_000), "org", null)).bytes()).isEqualTo(2_500_000);
        assertThat(documents()).isOne();
    }

    private RawResponse multipart(GriddleClient client, String field, String value) {
        String boundary = "b" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"scope_type\"\r\n\r\norg\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--" + boundary + "--\r\n";
        return client.raw("POST", "/api/v1/knowledge/upload", body, Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
    }

    private static void expectField(Runnable call, String field) {
        var e = expectError(422, "VALIDATION_FAILED", call);
        assertThat(e.details()).as(e.getMessage()).containsKey("field_errors");
        assertThat(e.getMessage()).contains(field);
    }
}
