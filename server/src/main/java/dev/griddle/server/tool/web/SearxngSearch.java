package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A SearXNG instance's JSON API: {@code GET <searxng-url>/search?format=json&q=}, results {@code results[] {title, url, content}}. */
final class SearxngSearch implements SearchBackend {

    private final String base;
    private final WebProperties props;
    private final SearchHttp http;

    SearxngSearch(WebProperties props, JsonMapper json) {
        this.base = props.searxngUrl().toString().replaceAll("/+$", "");
        this.props = props;
        this.http = new SearchHttp("the SearXNG search backend at " + base, null, null, props, json);
    }

    @Override
    public List<Hit> search(String query, int max) throws ToolException, InterruptedException {
        URI uri = URI.create(base + "/search?format=json&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        JsonNode body = http.send(HttpRequest.newBuilder(uri).timeout(props.fetchTimeout()).header("Accept", "application/json").GET().build());
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
