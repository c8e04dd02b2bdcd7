package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tavily's search API: {@code POST <tavily-url>} with {@code Authorization: Bearer <key>} and
 * {@code {query, max_results, search_depth: basic}}; results {@code results[] {title, url, content}}.
 * No generated answer and no raw page content is asked for: {@code web_research} reads the pages
 * itself, through the outbound guard.
 */
final class TavilySearch implements SearchBackend {

    /** The API's largest {@code max_results}. */
    static final int MAX_RESULTS = 20;

    private final WebProperties props;
    private final JsonMapper json;
    private final SearchHttp http;

    TavilySearch(WebProperties props, JsonMapper json) {
        this.props = props;
        this.json = json;
        this.http = new SearchHttp("the Tavily search API", "griddle.web.tavily-api-key (GRIDDLE_WEB_TAVILY_API_KEY)", props.tavilyApiKey(), props,
                json);
    }

    @Override
    public List<Hit> search(String query, int max) throws ToolException, InterruptedException {
        ObjectNode request = json.createObjectNode().put("query", query).put("max_results", Math.clamp(max, 1, MAX_RESULTS))
                .put("search_depth", "basic").put("include_answer", false).put("include_raw_content", false).put("include_images", false);
        JsonNode body = http.send(HttpRequest.newBuilder(props.tavilyUrl()).timeout(props.fetchTimeout()).header("Accept", "application/json")
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + props.tavilyApiKey())
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))).build());
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
