package dev.griddle.server.console;

import static dev.griddle.server.console.ConsoleHttp.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.KnowledgeModels.Document;
import dev.griddle.sdk.KnowledgeModels.DocumentInput;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The console's knowledge over HTTP: a text document and an uploaded file added from the page,
 * listed with their status, a document's chunks, search hits that cite their document, a runner's
 * connections on its page, delete; a viewer sees no write controls and is refused; another
 * organization's document is a 404 page and stays.
 */
@TestPropertySource(properties = "griddle.console.sign-in-per-minute=1000")
class ConsoleKnowledgeTest extends ApiTest {

    @Test
    void addUploadListSearchWithCitationsAndDelete() {
        GriddleClient admin = newOrg();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(admin.keys().create(CreateKey.of("librarian", "contributor")).secret());
        String csrf = http.csrf(cookie);

        HttpResponse<String> added = http.post("/console/knowledge", cookie, form("title", "Alpaca leave", "text",
                "# Leave\n\nStaff get twenty days of alpaca leave every year.", "scope_type", "org", "scope_id", "", "_csrf", csrf));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(303);
        UUID textId = UUID.fromString(added.headers().firstValue("Location").orElseThrow().substring("/console/knowledge/".length()));
        HttpResponse<String> uploaded = http.postFile("/console/knowledge/upload", cookie, form("_csrf", csrf, "scope_type", "org", "title", ""),
                "fleet.txt", "The fleet has nine llamas and one ferry.".getBytes(StandardCharsets.UTF_8));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(303);
        UUID fileId = UUID.fromString(uploaded.headers().firstValue("Location").orElseThrow().substring("/console/knowledge/".length()));
        ready(admin, textId);
        assertThat(ready(admin, fileId).title()).isEqualTo("fleet.txt");

        String list = http.get("/console/knowledge", cookie).body();
        assertThat(list).contains("<h1>Knowledge</h1>").contains(">Alpaca leave</a>").contains(">fleet.txt</a>").contains("state-ready")
                .contains(">Upload</button>").contains(">Delete</button>").contains("enctype=\"multipart/form-data\"");
        assertThat(http.get("/console/knowledge?scope_type=org", cookie).body()).contains(">Alpaca leave</a>");
        String doc = http.get("/console/knowledge/" + textId, cookie).body();
        assertThat(doc).contains("<h1>Alpaca leave</h1>").contains("twenty days of alpaca leave").contains("Leave").contains(">Delete document</button>");

        String found = http.get("/console/knowledge?q=alpaca+leave&scope_type=org", cookie).body();
        assertThat(found).contains("id=\"hits\"").contains("twenty days of alpaca leave")
                .contains("— <a href=\"/console/knowledge/" + textId + "\">Alpaca leave</a>, chunk 0");
        HttpResponse<String> badScope = http.get("/console/knowledge?q=x&scope_type=project", cookie);
        assertThat(badScope.statusCode()).isEqualTo(422);
        assertThat(badScope.body()).contains("<html").contains("scope_id");
        HttpResponse<String> noTitle = http.post("/console/knowledge", cookie, form("title", "", "text", "x", "scope_type", "org", "_csrf", csrf));
        assertThat(noTitle.statusCode()).isEqualTo(422);
        assertThat(noTitle.body()).contains("title");

        assertThat(http.post("/console/knowledge/" + fileId + "/delete", cookie, form("_csrf", csrf)).statusCode()).isEqualTo(303);
        assertThat(gone(admin, fileId)).isTrue();
        assertThat(http.get("/console/knowledge", cookie).body()).doesNotContain("fleet.txt").contains("Alpaca leave");
    }

    @Test
    void aRunnersPageShowsItsKnowledgeConnections() {
        GriddleClient admin = newOrg();
        RawResponse runner = admin.raw("POST", "/api/v1/runners", """
                {"name": "reader", "steps": [{"id": "t", "type": "transform", "with": {"value": 1}}]}""", Map.of());
        String runnerId = ConsoleHttp.read(runner.body()).path("id").asString();
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        assertThat(http.get("/console/runners/" + runnerId, cookie).body()).contains("id=\"knowledge\"")
                .contains("href=\"/console/knowledge?scope_type=runner&scope_id=" + runnerId + "\"").doesNotContain("id=\"knowledge-connections\"");
        RawResponse put = admin.raw("PUT", "/api/v1/runners/" + runnerId + "/knowledge", "{\"scopes\": [{\"scope_type\": \"org\"}]}",
                Map.of("Content-Type", "application/json"));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(http.get("/console/runners/" + runnerId, cookie).body()).contains("id=\"knowledge-connections\"")
                .contains("href=\"/console/knowledge?scope_type=org&scope_id=\">org</a>");
    }

    @Test
    void aViewerSeesNoWriteControlsAndItsWritesAreRefused() {
        GriddleClient admin = newOrg();
        Document d = ready(admin, admin.knowledge().create(DocumentInput.text("Ferry times", "The ferry leaves at nine.", "org", null)).id());
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String cookie = http.session(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        String list = http.get("/console/knowledge", cookie).body();
        assertThat(list).contains(">Ferry times</a>").doesNotContain(">Delete</button>").doesNotContain(">Upload</button>").doesNotContain(">Add</button>");
        assertThat(http.get("/console/knowledge/" + d.id(), cookie).body()).doesNotContain(">Delete document</button>");
        assertThat(http.get("/console/knowledge?q=ferry&scope_type=org", cookie).body()).contains("The ferry leaves at nine.");
        String csrf = http.csrf(cookie);
        HttpResponse<String> refused = http.post("/console/knowledge/" + d.id() + "/delete", cookie, form("_csrf", csrf));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("read-only").contains("<html");
        assertThat(http.post("/console/knowledge", cookie, form("title", "t", "text", "x", "scope_type", "org", "_csrf", csrf)).statusCode()).isEqualTo(403);
        assertThat(http.postFile("/console/knowledge/upload", cookie, form("_csrf", csrf, "scope_type", "org"), "a.txt", "x".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(403);
        assertThat(admin.knowledge().list("org", null, dev.griddle.sdk.PageRequest.first()).data()).hasSize(1);
    }

    @Test
    void anotherOrganizationsDocumentIsAnHtmlNotFoundPageWithNoSideEffect() {
        GriddleClient owner = newOrg();
        Document d = ready(owner, owner.knowledge().create(DocumentInput.text("Private plans", "The secret plan is kites.", "org", null)).id());
        ConsoleHttp http = new ConsoleHttp(baseUrl());
        String outsider = http.session(newOrg().keys().create(CreateKey.of("outsider", "admin")).secret());
        String csrf = http.csrf(outsider);
        HttpResponse<String> page = http.get("/console/knowledge/" + d.id(), outsider);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("Not found").doesNotContain("Private plans");
        assertThat(http.post("/console/knowledge/" + d.id() + "/delete", outsider, form("_csrf", csrf)).statusCode()).isEqualTo(404);
        assertThat(http.get("/console/knowledge", outsider).body()).doesNotContain("Private plans");
        assertThat(http.get("/console/knowledge?q=secret+plan+kites&scope_type=org", outsider).body()).doesNotContain("The secret plan is kites.").contains("0 hits");
        assertThat(owner.knowledge().get(d.id()).status()).isEqualTo("ready");
    }

    private static Document ready(GriddleClient client, UUID id) {
        Document d = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> client.knowledge().get(id),
                x -> !x.status().equals("processing"));
        assertThat(d.status()).as(d.error()).isEqualTo("ready");
        return d;
    }

    private static boolean gone(GriddleClient client, UUID id) {
        try {
            client.knowledge().get(id);
            return false;
        } catch (GriddleApiException e) {
            return e.status() == 404;
        }
    }
}
