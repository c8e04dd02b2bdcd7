package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Skill;
import dev.griddle.sdk.AgentModels.SkillInput;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/skills}: instructions an agent loads by name when it needs them. */
public final class SkillsClient {

    private final Transport http;

    SkillsClient(Transport http) {
        this.http = http;
    }

    public Skill create(SkillInput skill) {
        return http.call("POST", "/api/v1/skills", skill, Skill.class);
    }

    public Page<Skill> list(PageRequest page) {
        return http.page("/api/v1/skills?" + page.query(), Skill.class);
    }

    public Skill get(UUID id) {
        return http.call("GET", "/api/v1/skills/" + id, null, Skill.class);
    }

    /** Only the fields given (non-null) change. */
    public Skill update(UUID id, SkillInput changes) {
        return http.call("PATCH", "/api/v1/skills/" + id, changes, Skill.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/skills/" + id, null, Map.of());
    }
}
