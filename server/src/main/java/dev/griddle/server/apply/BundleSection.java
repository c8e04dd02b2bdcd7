package dev.griddle.server.apply;

import dev.griddle.server.web.Caller;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One section of an apply bundle ({@code integrations}, {@code agents}, ...), implemented by the
 * feature that owns the kind, which keeps its SQL and reuses its controller's validation. Objects
 * are upserted by a key ({@link #keyField}) within the caller's organization, and other objects
 * refer to them by that key or by id ({@link Bundle#resolve}).
 */
public interface BundleSection {

    /** The bundle's key for the section, like {@code mcp_servers}. */
    String section();

    /** The kind of its objects in results, problems and references, like {@code mcp_server}. */
    String kind();

    /** The field objects are upserted and referred to by. */
    default String keyField() {
        return "name";
    }

    /**
     * What makes the object unique in a bundle, for the "twice" check and for references: by
     * default its {@link #keyField}. Kinds unique only within some owner (documents: a title per
     * scope) add the owner; null when the object has none.
     */
    default String keyOf(JsonNode object) {
        return Bundle.key(object, keyField());
    }

    /** The id of the object of the caller's organization (and visible to its key) whose key is {@code key}. */
    Optional<UUID> findByKey(Caller caller, String key);

    /**
     * The id the object the bundle declares as {@code object} already has, when it exists: by
     * default the one {@link #findByKey} finds. Kinds whose names are unique per project look in
     * the object's own {@code project_id}, so a same-named object of another project is never taken for it.
     */
    default Optional<UUID> findDeclared(Caller caller, String key, JsonNode object) {
        return findByKey(caller, key);
    }

    /** Whether the caller's organization has such an object with this id, visible to the caller's key. */
    boolean exists(Caller caller, UUID id);

    /**
     * Checks every object of the section (a JSON array) and plans its upsert. Problems and
     * warnings go to {@code bundle}, with paths like {@code agents[0].model}; an object with
     * problems is left out of the returned plan. Writes nothing.
     */
    List<Planned> plan(Bundle bundle, JsonNode objects);
}
