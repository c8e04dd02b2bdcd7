package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Web search through a SearXNG instance's JSON API ({@code GET /search?q=&format=json}). The
 * instance is the operator's own setting, so it is not subject to the outbound guard (a SearXNG
 * beside Griddle on a private address is the usual set-up); the pages it returns are.
 */
@Component
class SearchBackend {

    record Hit(String title, String url, String snippet) {
    }

    private final WebProperties props;
    private final JsonMapper json;
    private final HttpClient http;

    SearchBackend(WebProperties props, JsonMapper json) {
        this.props = props;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(props.fetchTimeout()).build();
    }

    List<Hit> search(String query, int max) throws ToolException, InterruptedException {
        if (props.searxngUrl() == null) {
            throw new ToolException("web search is not configured on this server: set griddle.web.searxng-url (GRIDDLE_WEB_SEARXNG_URL) "
                    + "to a SearXNG instance with the json format enabled", false);
        }
        String base = props.searxngUrl().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/search?format=json&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(props.fetchTimeout()).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ToolException("the search backend at " + base + " is unreachable: " + e.getMessage(), true);
        }
        if (response.statusCode() != 200) {
            throw new ToolException("the search backend at " + base + " answered HTTP " + response.statusCode()
                    + (response.statusCode() == 403 ? " (is the json format enabled in its settings.yml?)" : ""), response.statusCode() >= 500);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new ToolException("the search backend at " + base + " did not answer JSON", false);
        }
        List<Hit> hits = new ArrayList<>();
        for (JsonNode r : body.path("results")) {
            if (hits.size() >= max) {
                break;
            }
            hits.add(new Hit(r.path("title").asString(""), r.path("url").asString(""), r.path("content").asString("")));
        }
        return hits;
    }
}
