package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where {@code web_search} and {@code web_research} get their results: the one backend chosen by
 * {@link WebProperties} (SearXNG, Brave Search API or Tavily), or {@link NoSearchBackend} when none
 * is configured. The backend's address is the operator's setting, so it is not subject to the
 * outbound guard; the pages its results point to are.
 */
sealed interface SearchBackend permits SearxngSearch, BraveSearch, TavilySearch, NoSearchBackend {

    /** One result; {@code snippet} is plain text. */
    record Hit(String title, String url, String snippet) {
    }

    /** At most {@code max} results for {@code query}; a failure is a {@link ToolException} saying which backend and why. */
    List<Hit> search(String query, int max) throws ToolException, InterruptedException;

    static SearchBackend of(WebProperties props, JsonMapper json) {
        if (props.searchBackend() == null) {
            return new NoSearchBackend();
        }
        return switch (props.searchBackend()) {
            case SEARXNG -> new SearxngSearch(props, json);
            case BRAVE -> new BraveSearch(props, json);
            case TAVILY -> new TavilySearch(props, json);
        };
    }
}
