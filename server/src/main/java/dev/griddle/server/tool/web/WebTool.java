package dev.griddle.server.tool.web;

import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** One of the four web tools; see {@link WebTools}. */
final class WebTool implements Tool {

    @Override
    public String recordedKind() {
        return "web";
    }


    enum Kind {
        READ("web_read", "read_enabled"), CRAWL("web_crawl", "crawl_enabled"), SEARCH("web_search", "search_enabled"),
        RESEARCH("web_research", "research_enabled");

        final String toolName;
        final String switchName;

        Kind(String toolName, String switchName) {
            this.toolName = toolName;
            this.switchName = switchName;
        }

        static Kind of(String name) {
            for (Kind k : values()) {
                if (k.toolName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final PageFetcher fetcher;
    private final SearchBackend search;
    private final WebProperties props;
    private final JsonMapper json;

    WebTool(Kind kind, PageFetcher fetcher, SearchBackend search, WebProperties props, JsonMapper json) {
        this.kind = kind;
        this.fetcher = fetcher;
        this.search = search;
        this.props = props;
        this.json = json;
    }

    @Override
    public String name() {
        return kind.toolName;
    }

    @Override
    public String description() {
        return switch (kind) {
            case READ -> "Fetches a web page and returns its title and main text.";
            case CRAWL -> "Reads a page and the pages it links to on the same site, breadth first, up to max_pages pages and max_depth links deep.";
            case SEARCH -> "Searches the web; returns results as {title, url, snippet}.";
            case RESEARCH -> "Searches the web and reads the top results; returns each source's title, url and main text.";
        };
    }

    @Override
    public JsonNode parameters() {
        ObjectNode schema = json.createObjectNode().put("type", "object");
        ObjectNode p = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        switch (kind) {
            case READ -> {
                p.putObject("url").put("type", "string").put("description", "http(s) URL");
                required.add("url");
            }
            case CRAWL -> {
                p.putObject("url").put("type", "string").put("description", "Start page, http(s) URL");
                p.putObject("max_pages").put("type", "integer").put("minimum", 1).put("maximum", props.maxCrawlPages());
                p.putObject("max_depth").put("type", "integer").put("minimum", 0).put("maximum", props.maxCrawlDepth());
                required.add("url");
            }
            case SEARCH, RESEARCH -> {
                p.putObject("query").put("type", "string");
                p.putObject("max_results").put("type", "integer").put("minimum", 1).put("maximum", kind == Kind.SEARCH ? 20 : 5);
                required.add("query");
            }
        }
        return schema;
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException, InterruptedException {
        return switch (kind) {
            case READ -> view(fetcher.fetch(url(arguments.path("url").asString(""))));
            case CRAWL -> crawl(url(arguments.path("url").asString("")), arguments.path("max_pages").asInt(5), arguments.path("max_depth").asInt(1));
            case SEARCH -> search(arguments.path("query").asString(""), arguments.path("max_results").asInt(5));
            case RESEARCH -> research(arguments.path("query").asString(""), arguments.path("max_results").asInt(3));
        };
    }

    private static URI url(String raw) throws ToolException {
        try {
            URI uri = URI.create(raw.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ToolException("not a usable URL: '" + raw + "'", false);
        }
    }

    private ObjectNode view(PageFetcher.Page page) {
        return json.createObjectNode().put("url", page.url().toString()).put("title", page.title()).put("text", page.text())
                .put("truncated", page.truncated());
    }

    /** Breadth first over same-host links; a page that fails is reported in {@code errors}, not fatal (unless it is the first). */
    private ObjectNode crawl(URI start, int maxPages, int maxDepth) throws ToolException, InterruptedException {
        int pagesCap = Math.clamp(maxPages, 1, props.maxCrawlPages());
        int depthCap = Math.clamp(maxDepth, 0, props.maxCrawlDepth());
        String host = start.getHost().toLowerCase(Locale.ROOT);
        Deque<URI> queue = new ArrayDeque<>(List.of(start));
        Deque<Integer> depths = new ArrayDeque<>(List.of(0));
        Set<URI> seen = new HashSet<>(List.of(start));
        ObjectNode out = json.createObjectNode().put("start_url", start.toString());
        ArrayNode pages = out.putArray("pages");
        ArrayNode errors = out.putArray("errors");
        while (!queue.isEmpty() && pages.size() < pagesCap) {
            URI next = queue.poll();
            int depth = depths.poll();
            PageFetcher.Page page;
            try {
                page = fetcher.fetch(next);
            } catch (ToolException e) {
                if (next.equals(start)) {
                    throw e;
                }
                errors.addObject().put("url", next.toString()).put("error", e.getMessage());
                continue;
            }
            pages.add(view(page).put("depth", depth));
            if (depth >= depthCap) {
                continue;
            }
            for (URI link : page.links()) {
                if (link.getHost() != null && link.getHost().toLowerCase(Locale.ROOT).equals(host) && seen.add(link)) {
                    queue.add(link);
                    depths.add(depth + 1);
                }
            }
        }
        return out;
    }

    private ObjectNode search(String query, int max) throws ToolException, InterruptedException {
        ObjectNode out = json.createObjectNode().put("query", query);
        ArrayNode results = out.putArray("results");
        for (SearchBackend.Hit hit : search.search(query, Math.clamp(max, 1, 20))) {
            results.addObject().put("title", hit.title()).put("url", hit.url()).put("snippet", hit.snippet());
        }
        return out;
    }

    private ObjectNode research(String query, int max) throws ToolException, InterruptedException {
        ObjectNode out = json.createObjectNode().put("query", query);
        ArrayNode sources = out.putArray("sources");
        for (SearchBackend.Hit hit : search.search(query, Math.clamp(max, 1, 5))) {
            ObjectNode source = sources.addObject().put("title", hit.title()).put("url", hit.url()).put("snippet", hit.snippet());
            try {
                PageFetcher.Page page = fetcher.fetch(url(hit.url()));
                source.put("text", page.text()).put("truncated", page.truncated());
            } catch (ToolException e) {
                source.put("error", e.getMessage());
            }
        }
        return out;
    }
}
