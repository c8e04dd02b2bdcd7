package dev.griddle.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.Agent;
import dev.griddle.sdk.AgentModels.AgentInput;
import dev.griddle.sdk.AgentModels.Skill;
import dev.griddle.sdk.AgentModels.SkillInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.ConnectionModels.Tool;
import dev.griddle.sdk.ConnectionModels.ToolInput;
import dev.griddle.sdk.ConnectionModels.WebSettings;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.server.ApiTest;
import dev.griddle.server.TestDatabase;
import dev.griddle.server.run.RunnerFixtures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting a runner, an agent, or a thing attached to them removes the links with it: the link
 * tables name their owner in a foreign key per owner kind, so the delete is one statement.
 */
class ConnectionDeleteTest extends ApiTest {

    GriddleClient c;
    Tool tool;
    Skill skill;

    @BeforeEach
    void setUp() {
        c = newOrg();
        tool = c.tools().create(new ToolInput("lookup-" + UUID.randomUUID(), "looks up", RunnerFixtures.JSON.readTree("{\"type\":\"object\"}"),
                RunnerFixtures.JSON.readTree("{\"method\":\"GET\",\"url\":\"http://127.0.0.1:9/x\"}")));
        skill = c.skills().create(new SkillInput("tidy-" + UUID.randomUUID(), null, "Be tidy."));
    }

    @Test
    void deletingARunnerDeletesItsLinksAndBudget() throws SQLException {
        Runner runner = RunnerFixtures.runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        Runner other = RunnerFixtures.runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        connectEverything(Owner.runner(runner.id()), "runners/" + runner.id());
        connectEverything(Owner.runner(other.id()), "runners/" + other.id());
        ok(c.raw("PUT", "/api/v1/runners/" + runner.id() + "/budget", "{\"max_cost_usd_per_run\": 5, \"on_exceed\": \"fail\"}", json()));
        assertThat(links("runner_id", runner.id())).isEqualTo(4);

        c.runners().delete(runner.id());

        assertThat(links("runner_id", runner.id())).isZero();
        assertThat(count("select count(*) from runner_budgets where runner_id = ?", runner.id())).isZero();
        expectError(404, "NOT_FOUND", () -> c.tools().attached(Owner.runner(runner.id())));
        // the other runner keeps its links
        assertThat(links("runner_id", other.id())).isEqualTo(4);
        assertThat(c.tools().attached(Owner.runner(other.id()))).hasSize(1);
    }

    @Test
    void deletingAnAgentDeletesItsLinks() throws SQLException {
        Agent agent = c.agents().create(new AgentInput("helper-" + UUID.randomUUID(), null, null, "Help.", null, null));
        connectEverything(Owner.agent(agent.id()), "agents/" + agent.id());
        assertThat(links("agent_id", agent.id())).isEqualTo(4);

        c.agents().delete(agent.id());

        assertThat(links("agent_id", agent.id())).isZero();
        expectError(404, "NOT_FOUND", () -> c.tools().attached(Owner.agent(agent.id())));
    }

    @Test
    void deletingAToolOrASkillDetachesItFromEveryOwner() throws SQLException {
        Runner runner = RunnerFixtures.runner(c, "steps:\n  - {id: a, type: transform, with: {value: 1}}\n");
        Agent agent = c.agents().create(new AgentInput("helper-" + UUID.randomUUID(), null, null, "Help.", null, null));
        connectEverything(Owner.runner(runner.id()), "runners/" + runner.id());
        connectEverything(Owner.agent(agent.id()), "agents/" + agent.id());

        c.tools().delete(tool.id());
        c.skills().delete(skill.id());

        assertThat(c.tools().attached(Owner.runner(runner.id()))).isEmpty();
        assertThat(c.tools().attached(Owner.agent(agent.id()))).isEmpty();
        assertThat(json(ok(c.raw("GET", "/api/v1/runners/" + runner.id() + "/skills", null, Map.of()))).path("data")).isEmpty();
        assertThat(json(ok(c.raw("GET", "/api/v1/agents/" + agent.id() + "/skills", null, Map.of()))).path("data")).isEmpty();
        // what is not attached by id stays: the web and plan settings
        assertThat(links("runner_id", runner.id())).isEqualTo(2);
        assertThat(links("agent_id", agent.id())).isEqualTo(2);
    }

    /** Four links: a tool, a skill, and the web and plan settings. */
    private void connectEverything(Owner owner, String path) {
        c.tools().attach(owner, tool.id(), true);
        c.tools().putWeb(owner, WebSettings.on());
        ok(c.raw("PUT", "/api/v1/" + path + "/plan", "{\"enabled\": true}", json()));
        ok(c.raw("POST", "/api/v1/" + path + "/skills", "{\"skill_id\": \"" + skill.id() + "\"}", json()));
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static RawResponse ok(RawResponse response) {
        assertThat(response.status()).as(response.body()).isBetween(200, 201);
        return response;
    }

    /** The links naming this owner in its column, over the three link tables. */
    private static long links(String column, UUID owner) throws SQLException {
        long n = 0;
        for (String table : new String[] {"connection_tools", "connection_settings", "connection_attachments"}) {
            n += count("select count(*) from " + table + " where " + column + " = ?", owner);
        }
        return n;
    }

    private static long count(String sql, UUID id) throws SQLException {
        try (Connection db = DriverManager.getConnection(TestDatabase.url()); PreparedStatement s = db.prepareStatement(sql)) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
