package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.util.List;

/** No search backend is configured: every search says which settings would configure one. */
record NoSearchBackend() implements SearchBackend {

    @Override
    public List<Hit> search(String query, int max) throws ToolException {
        throw new ToolException("web search is not configured on this server: set one of griddle.web.searxng-url (GRIDDLE_WEB_SEARXNG_URL, "
                + "a SearXNG instance with the json format enabled), griddle.web.brave-api-key (GRIDDLE_WEB_BRAVE_API_KEY) or "
                + "griddle.web.tavily-api-key (GRIDDLE_WEB_TAVILY_API_KEY)", false);
    }
}
