package dev.griddle.sdk;

import dev.griddle.sdk.AgentModels.Items;
import dev.griddle.sdk.ConnectionModels.Integration;
import dev.griddle.sdk.ConnectionModels.IntegrationAttachment;
import dev.griddle.sdk.ConnectionModels.IntegrationInput;
import dev.griddle.sdk.ConnectionModels.Owner;
import dev.griddle.sdk.ConnectionModels.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;

/** {@code /api/v1/integrations}: databases models read through {@code <name>__sql_query} and friends, and their attachments. */
public final class IntegrationsClient {

    private final Transport http;

    IntegrationsClient(Transport http) {
        this.http = http;
    }

    public Integration create(IntegrationInput integration) {
        return http.call("POST", "/api/v1/integrations", integration, Integration.class);
    }

    public Page<Integration> list(PageRequest page) {
        return http.page("/api/v1/integrations?" + page.query(), Integration.class);
    }

    public Integration get(UUID id) {
        return http.call("GET", "/api/v1/integrations/" + id, null, Integration.class);
    }

    /** Only the fields given (non-null) change; a {@code password} given replaces (rotates) the stored one. */
    public Integration update(UUID id, IntegrationInput changes) {
        return http.call("PATCH", "/api/v1/integrations/" + id, changes, Integration.class);
    }

    /** Removes the stored password ({@code {"password": null}}). */
    public Integration removePassword(UUID id) {
        return http.call("PATCH", "/api/v1/integrations/" + id, "{\"password\": null}", Integration.class);
    }

    /** Also detaches it everywhere. */
    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/integrations/" + id, null, Map.of());
    }

    /** Every table of the database (allowed_tables belongs to an attachment, not to the integration). */
    public List<Table> tables(UUID id) {
        return http.call("GET", "/api/v1/integrations/" + id + "/tables", null, new TypeReference<Items<Table>>() {
        }).data();
    }

    /** {@code allowedTables} null: every table. Attaching again replaces the attachment. */
    public IntegrationAttachment attach(Owner owner, UUID integrationId, List<String> allowedTables) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("integration_id", integrationId);
        if (allowedTables != null) {
            body.put("allowed_tables", allowedTables);
        }
        return http.call("POST", owner.path() + "/integrations", body, IntegrationAttachment.class);
    }

    public List<IntegrationAttachment> attached(Owner owner) {
        return http.call("GET", owner.path() + "/integrations", null, new TypeReference<Items<IntegrationAttachment>>() {
        }).data();
    }

    public void detach(Owner owner, UUID integrationId) {
        http.send("DELETE", owner.path() + "/integrations", Map.of("integration_id", integrationId), Map.of());
    }
}
