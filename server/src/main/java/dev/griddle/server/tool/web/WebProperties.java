package dev.griddle.server.tool.web;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web tools' settings, prefix {@code griddle.web}: {@code searxng-url} (a SearXNG instance
 * with the JSON format enabled; without it {@code web_search} and {@code web_research} say so),
 * {@code fetch-timeout} and {@code max-page-bytes} (per page read), {@code max-text-chars} (the
 * text one page contributes), {@code max-crawl-pages} and {@code max-crawl-depth} (caps on what a
 * crawl may ask for).
 */
@ConfigurationProperties("griddle.web")
public record WebProperties(
        URI searxngUrl,
        @DefaultValue("15s") Duration fetchTimeout,
        @DefaultValue("2000000") int maxPageBytes,
        @DefaultValue("20000") int maxTextChars,
        @DefaultValue("20") int maxCrawlPages,
        @DefaultValue("3") int maxCrawlDepth) {

    public WebProperties {
        if (searxngUrl != null && (searxngUrl.getScheme() == null || !searxngUrl.getScheme().startsWith("http"))) {
            throw new IllegalArgumentException("griddle.web.searxng-url (GRIDDLE_WEB_SEARXNG_URL) must be an http(s) URL, was " + searxngUrl);
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
}
