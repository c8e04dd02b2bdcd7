package dev.griddle.server.auth;

import java.util.Set;
import java.util.UUID;

/**
 * The projects something may reach: a key (all projects, or the ones it lists), or a runner or
 * agent naming other resources (its own project, or everything in the organization when it has
 * none). A resource in no project is reachable only with {@link #ALL}. Low on purpose: the engine
 * and the stores take this, never the web layer's caller.
 */
public record ProjectScope(Set<UUID> projectIds) {

    /** Every project of the organization, and what is in none. */
    public static final ProjectScope ALL = new ProjectScope(null);

    public ProjectScope {
        projectIds = projectIds == null ? null : Set.copyOf(projectIds);
    }

    /** A key's scope: {@code null} = all projects. */
    public static ProjectScope of(Set<UUID> projectIds) {
        return projectIds == null ? ALL : new ProjectScope(projectIds);
    }

    /**
     * What a runner or agent in {@code ownerProjectId} may name: what a key limited to that project
     * could see. One in no project is org-level and may name anything in its organization.
     */
    public static ProjectScope ofOwner(UUID ownerProjectId) {
        return ownerProjectId == null ? ALL : new ProjectScope(Set.of(ownerProjectId));
    }

    public boolean all() {
        return projectIds == null;
    }

    /** Whether a resource in {@code projectId} (null = in no project) is within this scope. */
    public boolean sees(UUID projectId) {
        return projectIds == null || (projectId != null && projectIds.contains(projectId));
    }

    /** The projects as a SQL array parameter; {@code null} for all (queries read null as "no filter"). */
    public UUID[] sqlArray() {
        return projectIds == null ? null : projectIds.toArray(UUID[]::new);
    }
}
