package dev.griddle.server.auth;

import java.util.List;
import java.util.UUID;

/**
 * Implemented by features whose resources live in projects (runners, agents), so
 * {@code GET /projects/{id}/members} can list them without this package knowing those features.
 */
public interface ProjectMembers {

    /** {@code runners} or {@code agents}: the key under which the members are listed. */
    String kind();

    List<Member> members(java.util.UUID orgId, UUID projectId);

    record Member(UUID id, String name) {
    }
}
