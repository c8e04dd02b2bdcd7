package dev.griddle.server.apply;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Fields of a runner or an agent in a bundle that another feature stores: connections (agent
 * feature), a runner's budget (llm feature). The runner and agent sections hand each object to
 * every implementation.
 */
public interface OwnerFields {

    /** A runner or an agent being applied; {@code created}: it does not exist yet, so it has nothing to compare with. */
    record Owner(String kind, String name, UUID id, boolean created) {
    }

    /** A field whose stored value differs from the bundle's, and how to write it. */
    record Change(String field, Runnable write) {
    }

    /** The fields read from an owner of this kind ({@code runner} or {@code agent}). */
    Set<String> fields(String ownerKind);

    /**
     * Plans the fields present in {@code definition} (a field left out is left alone); returns
     * only those that change. Problems go to {@code bundle} under {@code path}.
     */
    List<Change> plan(Bundle bundle, Owner owner, JsonNode definition, String path);
}
