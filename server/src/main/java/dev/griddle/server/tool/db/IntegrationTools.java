package dev.griddle.server.tool.db;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Resolves {@code <integration>__sql_query}, {@code __list_tables} and {@code __describe_table}
 * through the owners' integration attachments; the last owner that has the integration attached
 * (the agent, after the runner) gives the {@code allowed_tables}.
 */
@Component
class IntegrationTools implements ConnectedTools {

    private final IntegrationStore store;
    private final ReadOnlyDatabase database;
    private final JsonMapper json;

    IntegrationTools(IntegrationStore store, ReadOnlyDatabase database, JsonMapper json) {
        this.store = store;
        this.database = database;
        this.json = json;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        int split = name.lastIndexOf("__");
        if (split <= 0) {
            return Optional.empty();
        }
        IntegrationTool.Verb verb = IntegrationTool.Verb.of(name.substring(split + 2));
        if (verb == null) {
            return Optional.empty();
        }
        String integration = name.substring(0, split);
        IntegrationStore.Attached found = null;
        for (Owner owner : owners) {
            Optional<IntegrationStore.Attached> a = store.attached(orgId, owner.kind(), owner.id(), integration);
            if (a.isPresent()) {
                found = a.get();
            }
        }
        return Optional.ofNullable(found).map(a -> new IntegrationTool(a, verb, database, json));
    }

    /** The three tools of every attached integration; listing them opens no connection to the database. */
    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        Map<String, IntegrationStore.Attached> byName = new LinkedHashMap<>();
        for (Owner owner : owners) {
            store.attachedTo(orgId, owner.kind(), owner.id()).forEach(a -> byName.put(a.integration().name(), a));
        }
        Map<String, Tool> out = new LinkedHashMap<>();
        for (IntegrationStore.Attached a : byName.values()) {
            for (IntegrationTool.Verb verb : IntegrationTool.Verb.values()) {
                IntegrationTool tool = new IntegrationTool(a, verb, database, json);
                out.put(tool.name(), tool);
            }
        }
        return out;
    }
}
