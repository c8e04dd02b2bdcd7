package dev.griddle.server.web;

import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: the organization every query is scoped to, the key, its role and, when the key
 * is limited to some projects, those projects ({@code null} = all of them).
 */
public record Caller(UUID orgId, UUID keyId, Role role, Set<UUID> projectIds, boolean instanceAdmin) {

    public boolean allProjects() {
        return projectIds == null;
    }

    /** Whether a resource in {@code projectId} (null = in no project) is visible to this key. */
    public boolean sees(UUID projectId) {
        return projectIds == null || (projectId != null && projectIds.contains(projectId));
    }
}
