package dev.griddle.server.knowledge.vector;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Which chunks one search may see: always one organization (a search never crosses tenants, so a
 * scope of another organization in {@code scopes} is refused rather than ignored), then either the
 * listed scopes or every scope of that organization; optionally only some documents (the API's
 * {@code filter.document_ids}, or the documents a metadata filter matched in SQL).
 */
public record ScopeFilter(UUID orgId, Set<ScopeKey> scopes, boolean wholeOrg, Set<UUID> documentIds) {

    public ScopeFilter {
        Objects.requireNonNull(orgId, "orgId");
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        documentIds = documentIds == null ? null : Set.copyOf(documentIds);
        for (ScopeKey scope : scopes) {
            if (!scope.orgId().equals(orgId)) {
                throw new IllegalArgumentException("scope " + scope + " is not in organization " + orgId);
            }
        }
    }

    /** The listed scopes, all of one organization. */
    public static ScopeFilter of(UUID orgId, Set<ScopeKey> scopes) {
        return new ScopeFilter(orgId, scopes, false, null);
    }

    /** Every scope of the organization. */
    public static ScopeFilter wholeOrg(UUID orgId) {
        return new ScopeFilter(orgId, Set.of(), true, null);
    }

    /** The same scopes, only these documents (an empty set matches nothing). */
    public ScopeFilter onlyDocuments(Set<UUID> ids) {
        return new ScopeFilter(orgId, scopes, wholeOrg, Objects.requireNonNull(ids, "ids"));
    }

    boolean admits(ScopeKey scope) {
        return scope.orgId().equals(orgId) && (wholeOrg || scopes.contains(scope));
    }
}
