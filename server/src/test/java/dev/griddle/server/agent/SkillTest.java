package dev.griddle.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.Skill;
import dev.griddle.sdk.AgentModels.SkillInput;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.server.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkillTest extends ApiTest {

    @Test
    void crud() {
        GriddleClient client = newOrg();
        Skill created = client.skills().create(new SkillInput("refunds", "How to handle refunds", "Check the order first."));
        assertThat(created.id()).isNotNull();
        assertThat(created.instructions()).isEqualTo("Check the order first.");

        Skill renamed = client.skills().update(created.id(), new SkillInput("refund-policy", null, null));
        assertThat(renamed.name()).isEqualTo("refund-policy");
        assertThat(renamed.description()).isEqualTo("How to handle refunds");
        assertThat(client.skills().get(created.id()).name()).isEqualTo("refund-policy");

        client.skills().create(new SkillInput("second", null, "x"));
        var page = client.skills().list(PageRequest.of(1, 1));
        assertThat(page.data()).extracting(Skill::name).containsExactly("refund-policy");
        assertThat(page.meta().total()).isEqualTo(2);

        client.skills().delete(created.id());
        expectError(404, "NOT_FOUND", () -> client.skills().get(created.id()));
    }

    @Test
    void validatesAndKeepsNamesUnique() {
        GriddleClient client = newOrg();
        var missing = expectError(422, "VALIDATION_FAILED", () -> client.skills().create(new SkillInput(null, null, null)));
        assertThat(missing.getMessage()).contains("name").contains("instructions");
        client.skills().create(new SkillInput("dup", null, "x"));
        expectError(409, "CONFLICT", () -> client.skills().create(new SkillInput("dup", null, "y")));
        newOrg().skills().create(new SkillInput("dup", null, "z"));
    }

    @Test
    void anotherOrganizationsSkillIsNotFound() {
        GriddleClient owner = newOrg();
        Skill skill = owner.skills().create(new SkillInput("private", null, "x"));
        GriddleClient other = newOrg();
        expectError(404, "NOT_FOUND", () -> other.skills().get(skill.id()));
        expectError(404, "NOT_FOUND", () -> other.skills().update(skill.id(), new SkillInput("mine", null, null)));
        expectError(404, "NOT_FOUND", () -> other.skills().delete(skill.id()));
        assertThat(other.skills().list(PageRequest.first()).data()).isEmpty();
    }

    @Test
    void deletingASkillDetachesIt() {
        GriddleClient client = newOrg();
        Skill skill = client.skills().create(new SkillInput("attached", null, "x"));
        String agent = json(client.send("POST", "/api/v1/agents", "{\"name\": \"a\"}", Map.of())).path("id").asString();
        client.send("POST", "/api/v1/agents/" + agent + "/skills", "{\"skill_id\": \"" + skill.id() + "\"}", Map.of());
        assertThat(json(client.send("GET", "/api/v1/agents/" + agent + "/skills", null, Map.of())).path("data")).hasSize(1);
        client.skills().delete(skill.id());
        assertThat(json(client.send("GET", "/api/v1/agents/" + agent + "/skills", null, Map.of())).path("data")).isEmpty();
    }
}
