package dev.griddle.server.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An MCP server's credentials stay where they were given: a URL's userinfo and query values are
 * sealed at rest and shown masked to every key; headers are not sent to a new origin unless given
 * again, through the API and apply. The MCP server reached is a local test server.
 */
class McpServerCredentialsTest extends ApiTest {

    private static TestMcpServer mcp;

    @BeforeAll
    static void start() throws Exception {
        mcp = TestMcpServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        mcp.close();
    }

    @Test
    void credentialsInTheUrlAreSealedAndShownMasked() throws Exception {
        GriddleClient admin = newOrg();
        String url = mcp.url() + "?token=s3cret-token&team=core";
        String withUser = url.replace("http://", "http://alice:s3cret-pass@");
        McpServer created = admin.mcpServers().create(McpServerInput.streamableHttp("Calc", "calc", url));
        assertThat(created.url()).isEqualTo(mcp.url() + "?token=***&team=***");
        McpServer other = admin.mcpServers().create(McpServerInput.streamableHttp("Other", "other", withUser));
        assertThat(other.url()).startsWith("http://***@127.0.0.1:").doesNotContain("alice", "s3cret");

        GriddleClient viewer = client(admin.keys().create(CreateKey.of("v", "viewer")).secret());
        RawResponse shown = viewer.raw("GET", "/api/v1/mcp-servers", null, Map.of());
        assertThat(shown.body()).doesNotContain("s3cret").contains("token=***");
        assertThat(stored(created)).doesNotContain("s3cret");
        assertThat(stored(other)).doesNotContain("s3cret");

        // the full URL is still what Griddle connects to
        assertThat(admin.mcpServers().validate(created.id()).ok()).isTrue();
        // and an unchanged re-apply of the full URL is no change
        String bundle = "{\"mcp_servers\": [{\"name\": \"Calc\", \"slug\": \"calc\", \"transport\": \"streamable_http\", \"url\": \"" + url + "\"}]}";
        assertThat(admin.apply().json(bundle, false).unchanged()).hasSize(1);
    }

    @Test
    void headersAreNotSentToAnotherOriginUnlessGivenAgain() {
        GriddleClient admin = newOrg();
        McpServer s = admin.mcpServers().create(McpServerInput.streamableHttp("Calc", "calc", mcp.url())
                .withHeaders(Map.of("Authorization", "Bearer hush")));
        int port = java.net.URI.create(mcp.url()).getPort();
        String elsewhere = mcp.url().replace(":" + port + "/", ":" + (port + 1) + "/");
        GriddleApiException moved = expectError(422, "VALIDATION_FAILED",
                () -> admin.mcpServers().update(s.id(), new McpServerInput(null, null, null, elsewhere, null, null, null)));
        assertThat(moved.getMessage()).contains("headers", "required again");
        assertThat(admin.mcpServers().get(s.id()).url()).isEqualTo(mcp.url());

        // another path on the same origin keeps them
        McpServer samePlace = admin.mcpServers().update(s.id(), new McpServerInput(null, null, null, mcp.url() + "?v=2", null, null, null));
        assertThat(samePlace.headerNames()).containsExactly("Authorization");

        RawResponse applied = admin.raw("POST", "/api/v1/apply", "{\"mcp_servers\": [{\"name\": \"Calc\", \"slug\": \"calc\", "
                + "\"transport\": \"streamable_http\", \"url\": \"" + elsewhere + "\"}]}", Map.of("Content-Type", "application/json"));
        assertThat(assertEnvelope(applied, 422, "VALIDATION_FAILED").toString()).contains("mcp_servers[0].headers", "required again");

        McpServer dropped = admin.mcpServers().update(s.id(), new McpServerInput(null, null, null, elsewhere, Map.of(), null, null));
        assertThat(dropped.headerNames()).isEmpty();
        assertThat(dropped.url()).isEqualTo(elsewhere);
    }

    private static String stored(McpServer s) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url());
                PreparedStatement st = c.prepareStatement("select url, coalesce(url_sealed, '') from mcp_servers where id = ?")) {
            st.setObject(1, s.id());
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).as("the full URL is sealed").isNotEmpty();
                return rs.getString(1) + " " + rs.getString(2);
            }
        }
    }
}
