package dev.griddle.sdk;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The API's resources and request bodies, as records. Field names map to the API's snake_case. */
public final class Models {

    private Models() {
    }

    /** An API key; {@code secret} is set only on the response that created it. */
    public record ApiKey(UUID id, String name, String role, List<UUID> projectIds, String prefix, Instant expiresAt,
            Instant revokedAt, Instant createdAt, String secret) {
    }

    /** {@code role}: admin, contributor, viewer or worker. {@code projectIds} null = every project. */
    public record CreateKey(String name, String role, List<UUID> projectIds, Instant expiresAt) {
        public static CreateKey of(String name, String role) {
            return new CreateKey(name, role, null, null);
        }
    }

    public record Project(UUID id, String name, String description, Instant createdAt, Instant updatedAt) {
    }

    /** For create (name required) and update (only the fields given change). */
    public record ProjectInput(String name, String description) {
    }

    public record ProjectMembers(List<Member> agents, List<Member> runners) {
        public record Member(UUID id, String name) {
        }
    }

    public record Organization(UUID id, String name, Instant createdAt) {
    }

    /** The create response: {@code adminKey} is the new organization's first admin key, shown once. */
    public record CreatedOrganization(UUID id, String name, Instant createdAt, String adminKey) {
    }

    /**
     * A secret of the organization: its name, the projects whose runs may use it ({@code projectIds}
     * empty = every project) and timestamps. The value is never returned.
     */
    public record Secret(String name, List<UUID> projectIds, Instant createdAt, Instant updatedAt) {
    }
}
