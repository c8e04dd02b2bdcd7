package dev.griddle.server.tool.web;

import static dev.griddle.server.llm.Connections.ownerColumn;

import dev.griddle.server.tool.ConnectedTools;
import dev.griddle.server.tool.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code web_read}, {@code web_crawl}, {@code web_search} and {@code web_research}, offered when
 * the owners' {@code web} setting is enabled and the tool's own switch ({@code read_enabled},
 * ...; default on) is too. With an agent the agent's setting counts when it is enabled, else the
 * runner's (API.md's merge table).
 */
@Component
class WebTools implements ConnectedTools {

    private final JdbcClient jdbc;
    private final PageFetcher fetcher;
    private final SearchBackend search;
    private final WebProperties props;
    private final JsonMapper json;

    WebTools(JdbcClient jdbc, PageFetcher fetcher, SearchBackend search, WebProperties props, JsonMapper json) {
        this.jdbc = jdbc;
        this.fetcher = fetcher;
        this.search = search;
        this.props = props;
        this.json = json;
    }

    @Override
    public Optional<Tool> find(UUID orgId, String name, List<Owner> owners) {
        WebTool.Kind kind = WebTool.Kind.of(name);
        if (kind == null) {
            return Optional.empty();
        }
        return offered(effective(orgId, owners), kind);
    }

    /** The web tools the owners' effective {@code web} setting switches on. */
    @Override
    public Map<String, Tool> all(UUID orgId, List<Owner> owners) {
        JsonNode settings = effective(orgId, owners);
        Map<String, Tool> out = new LinkedHashMap<>();
        for (WebTool.Kind kind : WebTool.Kind.values()) {
            offered(settings, kind).ifPresent(t -> out.put(t.name(), t));
        }
        return out;
    }

    private Optional<Tool> offered(JsonNode settings, WebTool.Kind kind) {
        if (settings == null || !settings.path("enabled").asBoolean(false) || !settings.path(kind.switchName).asBoolean(true)) {
            return Optional.empty();
        }
        return Optional.of(new WebTool(kind, fetcher, search, props, json));
    }

    /** The agent's setting when it is enabled, else the runner's (API.md's merge table). */
    private JsonNode effective(UUID orgId, List<Owner> owners) {
        JsonNode settings = null;
        for (Owner owner : owners) {
            JsonNode s = setting(orgId, owner);
            if (s != null && (settings == null || s.path("enabled").asBoolean(false))) {
                settings = s;
            }
        }
        return settings;
    }

    private JsonNode setting(UUID orgId, Owner owner) {
        return jdbc.sql("select config from connection_settings where org_id = :org and %s = :owner and kind = 'web'".formatted(ownerColumn(owner.kind())))
                .param("org", orgId).param("owner", owner.id()).query((rs, n) -> json.readTree(rs.getString("config")))
                .optional().orElse(null);
    }
}
