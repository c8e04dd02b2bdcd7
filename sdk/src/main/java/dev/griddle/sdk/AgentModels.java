package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Skills, plans and threads: the resources around agents. */
public final class AgentModels {

    private AgentModels() {
    }

    public record Skill(UUID id, String name, String description, String instructions, Instant createdAt, Instant updatedAt) {
    }

    /** For create (name and instructions required) and update (only the fields given change). */
    public record SkillInput(String name, String description, String instructions) {
    }
}
