package dev.griddle.server.tool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.ConnectionModels.McpServer;
import dev.griddle.sdk.ConnectionModels.McpServerInput;
import dev.griddle.sdk.ConnectionModels.Tool;
import dev.griddle.sdk.ConnectionModels.ToolInput;
import dev.griddle.sdk.AgentModels.Skill;
import dev.griddle.sdk.AgentModels.SkillInput;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Integrations, MCP servers, custom tools and skills belong to the whole organization: every key
 * reads them, only keys for all projects create, change or delete them, through the API and through
 * apply. A refused call leaves the object as it was.
 */
class OrgWideConnectionsTest extends ApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GriddleClient admin;
    private GriddleClient limited;
    private GriddleClient allProjects;

    @BeforeEach
    void keys() {
        admin = newOrg();
        UUID project = admin.projects().create("pa", null).id();
        limited = client(admin.keys().create(new CreateKey("limited", "contributor", List.of(project), null)).secret());
        allProjects = client(admin.keys().create(CreateKey.of("everywhere", "contributor")).secret());
    }

    @Test
    void integrationsAreReadByEveryKeyAndWrittenOnlyByKeysForAllProjects() {
        Integration i = admin.integrations().create(IntegrationInput.postgresql("shop", "jdbc:postgresql://127.0.0.1:5432/shop", "reader", "pw"));
        assertThat(limited.integrations().get(i.id()).name()).isEqualTo("shop");
        assertThat(limited.integrations().list(PageRequest.first()).data()).extracting(Integration::id).containsExactly(i.id());

        forbidden(() -> limited.integrations().create(IntegrationInput.postgresql("mine", "jdbc:postgresql://127.0.0.1:5432/x", null, null)));
        forbidden(() -> limited.integrations().update(i.id(), new IntegrationInput("renamed", null, null, null, null)));
        forbidden(() -> limited.integrations().delete(i.id()));
        assertThat(admin.integrations().get(i.id()).name()).isEqualTo("shop");
        assertThat(admin.integrations().list(PageRequest.first()).data()).hasSize(1);

        assertThat(allProjects.integrations().update(i.id(), new IntegrationInput("renamed", null, null, null, null)).name()).isEqualTo("renamed");
        allProjects.integrations().delete(i.id());
    }

    @Test
    void mcpServersAreReadByEveryKeyAndWrittenOnlyByKeysForAllProjects() {
        McpServer s = admin.mcpServers().create(McpServerInput.streamableHttp("Linear", "linear", "http://127.0.0.1:9/mcp"));
        assertThat(limited.mcpServers().get(s.id()).slug()).isEqualTo("linear");

        forbidden(() -> limited.mcpServers().create(McpServerInput.streamableHttp("Mine", "mine", "http://127.0.0.1:9/mcp")));
        forbidden(() -> limited.mcpServers().update(s.id(), new McpServerInput("Renamed", null, null, null, null, null, null)));
        forbidden(() -> limited.mcpServers().delete(s.id()));
        assertThat(admin.mcpServers().get(s.id()).name()).isEqualTo("Linear");
        assertThat(admin.mcpServers().list(PageRequest.first()).data()).hasSize(1);

        assertThat(allProjects.mcpServers().update(s.id(), new McpServerInput("Renamed", null, null, null, null, null, null)).name())
                .isEqualTo("Renamed");
        allProjects.mcpServers().delete(s.id());
    }

    @Test
    void toolsAreReadByEveryKeyAndWrittenOnlyByKeysForAllProjects() {
        Tool t = admin.tools().create(tool("lookup"));
        assertThat(limited.tools().get(t.id()).name()).isEqualTo("lookup");

        forbidden(() -> limited.tools().create(tool("mine")));
        forbidden(() -> limited.tools().update(t.id(), new ToolInput(null, "changed", null, null)));
        forbidden(() -> limited.tools().delete(t.id()));
        assertThat(admin.tools().get(t.id()).description()).isEqualTo("looks up");
        assertThat(admin.tools().list(PageRequest.first()).data()).hasSize(1);

        assertThat(allProjects.tools().update(t.id(), new ToolInput(null, "changed", null, null)).description()).isEqualTo("changed");
        allProjects.tools().delete(t.id());
    }

    @Test
    void skillsAreReadByEveryKeyAndWrittenOnlyByKeysForAllProjects() {
        Skill k = admin.skills().create(new SkillInput("triage", "sorts tickets", "Sort them."));
        assertThat(limited.skills().get(k.id()).name()).isEqualTo("triage");

        forbidden(() -> limited.skills().create(new SkillInput("mine", null, "Mine.")));
        forbidden(() -> limited.skills().update(k.id(), new SkillInput(null, null, "Changed.")));
        forbidden(() -> limited.skills().delete(k.id()));
        assertThat(admin.skills().get(k.id()).instructions()).isEqualTo("Sort them.");
        assertThat(admin.skills().list(PageRequest.first()).data()).hasSize(1);

        assertThat(allProjects.skills().update(k.id(), new SkillInput(null, null, "Changed.")).instructions()).isEqualTo("Changed.");
        allProjects.skills().delete(k.id());
    }

    /** A limited key may apply a bundle that lists the org-wide objects unchanged, but not one that creates or changes any. */
    @Test
    void applyRefusesALimitedKeyThatWouldCreateOrChangeOrgWideObjects() {
        String bundle = """
                {"integrations": [{"name": "shop", "kind": "postgresql", "url": "jdbc:postgresql://127.0.0.1:5432/shop"}],
                 "mcp_servers": [{"name": "Linear", "slug": "linear", "transport": "streamable_http", "url": "http://127.0.0.1:9/mcp"}],
                 "tools": [{"name": "lookup", "description": "looks up", "parameters": {"type": "object"},
                            "http": {"method": "GET", "url": "http://127.0.0.1:9/x"}}],
                 "skills": [{"name": "triage", "description": "sorts tickets", "instructions": "Sort them."}]}
                """;
        for (String section : List.of("integrations", "mcp_servers", "tools", "skills")) {
            var one = JSON.createObjectNode().set(section, JSON.readTree(bundle).get(section));
            GriddleApiException e = forbidden(() -> limited.apply().json(one.toString(), false));
            assertThat(e.getMessage()).contains(section.replace('_', ' '));
            forbidden(() -> limited.apply().json(one.toString(), true));
        }
        assertThat(admin.integrations().list(PageRequest.first()).data()).isEmpty();
        assertThat(admin.skills().list(PageRequest.first()).data()).isEmpty();

        ApplyResult created = admin.apply().json(bundle, false);
        assertThat(created.created()).hasSize(4);
        ApplyResult same = limited.apply().json(bundle, false);
        assertThat(same.unchanged()).hasSize(4);

        forbidden(() -> limited.apply().json(bundle.replace("Sort them.", "Sort them all."), false));
        assertThat(admin.skills().list(PageRequest.first()).data().getFirst().instructions()).isEqualTo("Sort them.");
    }

    private static ToolInput tool(String name) {
        return new ToolInput(name, "looks up", JSON.readTree("{\"type\":\"object\"}"),
                JSON.readTree("{\"method\":\"GET\",\"url\":\"http://127.0.0.1:9/x\"}"));
    }

    private static GriddleApiException forbidden(Runnable call) {
        GriddleApiException e = expectError(403, "FORBIDDEN", call);
        assertThat(e.getMessage()).contains("limited to some projects");
        return e;
    }
}
