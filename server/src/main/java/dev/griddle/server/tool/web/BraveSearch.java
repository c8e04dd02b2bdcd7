package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Brave Search API: {@code GET <brave-url>?q=&count=} with the key in
 * {@code X-Subscription-Token}; results {@code web.results[] {title, url, description}}. Brave marks
 * matches in descriptions with {@code <strong>}: the snippet is the description's text.
 */
final class BraveSearch implements SearchBackend {

    /** The API's largest {@code count}. */
    static final int MAX_COUNT = 20;

    private final WebProperties props;
    private final SearchHttp http;

    BraveSearch(WebProperties props, JsonMapper json) {
        this.props = props;
        this.http = new SearchHttp("the Brave Search API", "griddle.web.brave-api-key (GRIDDLE_WEB_BRAVE_API_KEY)", props.braveApiKey(), props, json);
    }

    @Override
    public List<Hit> search(String query, int max) throws ToolException, InterruptedException {
        int count = Math.clamp(max, 1, MAX_COUNT);
        URI uri = URI.create(props.braveUrl() + "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&count=" + count);
        JsonNode body = http.send(HttpRequest.newBuilder(uri).timeout(props.fetchTimeout()).header("Accept", "application/json")
                .header("X-Subscription-Token", props.braveApiKey()).GET().build());
        List<Hit> hits = new ArrayList<>();
        for (JsonNode r : body.path("web").path("results")) {
            if (hits.size() >= max) {
                break;
            }
            hits.add(new Hit(Jsoup.parse(r.path("title").asString("")).text(), r.path("url").asString(""),
                    Jsoup.parse(r.path("description").asString("")).text()));
        }
        return hits;
    }
}
