package dev.griddle.server.knowledge.vector;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Where a chunk belongs: its organization and its scope ({@code org}, or a project, agent or
 * runner by id; or {@code memory}: an agent's memory entries of one user, by the id derived from both). The index keeps each scope's vectors together, so a search reads only the scopes
 * it may see. {@code scopeId} is null exactly for {@code org}.
 */
public record ScopeKey(UUID orgId, String scopeType, UUID scopeId) {

    public static final Set<String> TYPES = Set.of("org", "project", "agent", "runner", "memory");

    public ScopeKey {
        Objects.requireNonNull(orgId, "orgId");
        if (!TYPES.contains(scopeType)) {
            throw new IllegalArgumentException("scope_type must be one of " + TYPES + ", was '" + scopeType + "'");
        }
        if (scopeType.equals("org") != (scopeId == null)) {
            throw new IllegalArgumentException("scope_id must be absent for scope_type org and present otherwise (" + scopeType + ", "
                    + scopeId + ")");
        }
    }

    public static ScopeKey org(UUID orgId) {
        return new ScopeKey(orgId, "org", null);
    }

    public static ScopeKey of(UUID orgId, String scopeType, UUID scopeId) {
        return new ScopeKey(orgId, scopeType, scopeId);
    }
}
