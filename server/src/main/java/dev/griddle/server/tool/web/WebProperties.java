package dev.griddle.server.tool.web;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web tools' settings, prefix {@code griddle.web}.
 *
 * <p>Search ({@code web_search}, {@code web_research}) goes through one backend:
 * {@code searxng-url} (a SearXNG instance with the JSON format enabled), {@code brave-api-key}
 * (Brave Search API) or {@code tavily-api-key} (Tavily). {@code search-backend} picks one; left
 * out, it is the one that is configured. Two or more configured without {@code search-backend},
 * or a {@code search-backend} whose setting is missing, stop start-up. None configured: the search
 * tools fail with a message naming these settings. {@code brave-url} and {@code tavily-url} exist
 * for a proxy (and for tests). The API keys never appear in {@link #toString()}.
 *
 * <p>Page reads: {@code fetch-timeout} and {@code max-page-bytes} (per page read),
 * {@code max-text-chars} (the text one page contributes), {@code max-crawl-pages} and
 * {@code max-crawl-depth} (caps on what a crawl may ask for).
 */
@ConfigurationProperties("griddle.web")
public record WebProperties(
        URI searxngUrl,
        SearchEngine searchBackend,
        String braveApiKey,
        @DefaultValue("https://api.search.brave.com/res/v1/web/search") URI braveUrl,
        String tavilyApiKey,
        @DefaultValue("https://api.tavily.com/search") URI tavilyUrl,
        @DefaultValue("15s") Duration fetchTimeout,
        @DefaultValue("2000000") int maxPageBytes,
        @DefaultValue("20000") int maxTextChars,
        @DefaultValue("20") int maxCrawlPages,
        @DefaultValue("3") int maxCrawlDepth) {

    /** The search APIs Griddle speaks. */
    public enum SearchEngine {
        SEARXNG("griddle.web.searxng-url (GRIDDLE_WEB_SEARXNG_URL)"),
        BRAVE("griddle.web.brave-api-key (GRIDDLE_WEB_BRAVE_API_KEY)"),
        TAVILY("griddle.web.tavily-api-key (GRIDDLE_WEB_TAVILY_API_KEY)");

        /** The setting that configures it, as an operator would type it. */
        final String setting;

        SearchEngine(String setting) {
            this.setting = setting;
        }
    }

    public WebProperties {
        braveApiKey = blankToNull(braveApiKey);
        tavilyApiKey = blankToNull(tavilyApiKey);
        http("griddle.web.searxng-url (GRIDDLE_WEB_SEARXNG_URL)", searxngUrl);
        http("griddle.web.brave-url", braveUrl);
        http("griddle.web.tavily-url", tavilyUrl);
        List<SearchEngine> configured = new ArrayList<>();
        if (searxngUrl != null) {
            configured.add(SearchEngine.SEARXNG);
        }
        if (braveApiKey != null) {
            configured.add(SearchEngine.BRAVE);
        }
        if (tavilyApiKey != null) {
            configured.add(SearchEngine.TAVILY);
        }
        if (searchBackend != null && !configured.contains(searchBackend)) {
            throw new IllegalArgumentException("griddle.web.search-backend is " + searchBackend.name().toLowerCase(Locale.ROOT)
                    + " but " + searchBackend.setting + " is not set");
        }
        if (searchBackend == null && configured.size() > 1) {
            throw new IllegalArgumentException("several web search backends are configured ("
                    + String.join(", ", configured.stream().map(e -> e.setting).toList())
                    + "); choose one with griddle.web.search-backend (GRIDDLE_WEB_SEARCH_BACKEND) = searxng, brave or tavily");
        }
        if (searchBackend == null && configured.size() == 1) {
            searchBackend = configured.getFirst();
        }
        if (fetchTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("griddle.web.fetch-timeout must be at least 100ms, was " + fetchTimeout);
        }
        if (maxPageBytes < 1024 || maxTextChars < 100 || maxCrawlPages < 1 || maxCrawlDepth < 0) {
            throw new IllegalArgumentException("griddle.web limits out of range: max-page-bytes >= 1024 (was " + maxPageBytes
                    + "), max-text-chars >= 100 (was " + maxTextChars + "), max-crawl-pages >= 1 (was " + maxCrawlPages
                    + "), max-crawl-depth >= 0 (was " + maxCrawlDepth + ")");
        }
    }

    private static void http(String setting, URI url) {
        if (url != null && (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null)) {
            throw new IllegalArgumentException(setting + " must be an http(s) URL, was " + url);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Keys masked: a record's default toString would print them wherever the settings are logged. */
    @Override
    public String toString() {
        return "WebProperties[searxngUrl=" + searxngUrl + ", searchBackend=" + searchBackend + ", braveApiKey=" + (braveApiKey == null ? null : "***")
                + ", braveUrl=" + braveUrl + ", tavilyApiKey=" + (tavilyApiKey == null ? null : "***") + ", tavilyUrl=" + tavilyUrl
                + ", fetchTimeout=" + fetchTimeout + ", maxPageBytes=" + maxPageBytes + ", maxTextChars=" + maxTextChars + ", maxCrawlPages="
                + maxCrawlPages + ", maxCrawlDepth=" + maxCrawlDepth + "]";
    }
}
