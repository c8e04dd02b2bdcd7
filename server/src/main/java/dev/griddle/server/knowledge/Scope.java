package dev.griddle.server.knowledge;

import java.util.UUID;

/**
 * A knowledge scope: its type and, except for {@link ScopeType#ORG}, the project, agent or runner
 * it belongs to. {@code ownerProject} is the project whose keys see it (null: the organization's;
 * for an org scope every key of the organization reads it).
 */
public record Scope(ScopeType type, UUID id, UUID ownerProject) {

    public static Scope org() {
        return new Scope(ScopeType.ORG, null, null);
    }
}
