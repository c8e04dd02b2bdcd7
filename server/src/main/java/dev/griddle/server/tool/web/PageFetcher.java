package dev.griddle.server.tool.web;

import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.outbound.GuardedGet;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.tool.ToolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.springframework.stereotype.Component;

/**
 * Fetches one page for the web tools ({@link GuardedGet}: every hop passes the
 * {@link OutboundGuard}, redirects followed by hand), the body cut at
 * {@code max-page-bytes}, the whole fetch at {@code fetch-timeout}; HTML is reduced to its main
 * text with jsoup (scripts, styles, navigation, headers and footers dropped).
 */
@Component
class PageFetcher {

    /** A fetched page: final URL, title, main text (cut at {@code max-text-chars}), links (absolute, http(s) only). */
    record Page(URI url, int status, String title, String text, boolean truncated, List<URI> links) {
    }

    private final OutboundGuard guard;
    private final WebProperties props;
    private final HttpClient http;
    private final GuardedGet.Limits limits;

    PageFetcher(OutboundGuard guard, WebProperties props) {
        this.guard = guard;
        this.props = props;
        this.limits = new GuardedGet.Limits(props.maxPageBytes(), BoundedBody.Overflow.TRUNCATE, "griddle.web.max-page-bytes",
                props.fetchTimeout(), "griddle.web.fetch-timeout");
        this.http = HttpClient.newBuilder().connectTimeout(props.fetchTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Page fetch(URI url) throws ToolException, InterruptedException {
        GuardedGet.Fetched fetched;
        try {
            // cut at max-page-bytes as it streams, and the whole fetch, body included, within fetch-timeout
            fetched = GuardedGet.get(http, guard, url, limits, Map.of("User-Agent", "Griddle-web-tools/1",
                    "Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5"));
        } catch (GuardedGet.Failed e) {
            throw new ToolException(e.getMessage(), e.retryable());
        }
        byte[] body = fetched.body();
        String contentType = Objects.requireNonNullElse(fetched.contentType(), "text/html").toLowerCase(Locale.ROOT);
        String raw = new String(body, charset(contentType));
        boolean cut = body.length >= props.maxPageBytes();
        if (contentType.contains("html") || contentType.contains("xml")) {
            return page(fetched.url(), fetched.status(), Jsoup.parse(raw, fetched.url().toString()), cut);
        }
        if (contentType.startsWith("text/") || contentType.contains("json")) {
            return new Page(fetched.url(), fetched.status(), "", limit(raw), cut || raw.length() > props.maxTextChars(), List.of());
        }
        throw new ToolException(fetched.url() + " is " + contentType + ", not text or HTML", false);
    }

    private Page page(URI url, int status, Document doc, boolean cut) {
        List<URI> links = new ArrayList<>();
        for (Element a : doc.select("a[href]")) {
            String href = a.absUrl("href");
            try {
                URI link = URI.create(href.replace(" ", "%20"));
                if (link.getScheme() != null && link.getScheme().startsWith("http")) {
                    links.add(new URI(link.getScheme(), link.getAuthority(), link.getPath(), link.getQuery(), null));
                }
            } catch (Exception ignored) {
                // not a usable link
            }
        }
        doc.select("script, style, noscript, template, svg, nav, header, footer, aside, form, iframe").remove();
        Element main = doc.selectFirst("main, article, [role=main]");
        String text = (main != null ? main : doc.body() != null ? doc.body() : doc).text();
        return new Page(url, status, doc.title(), limit(text), cut || text.length() > props.maxTextChars(), links);
    }

    private String limit(String text) {
        return text.length() <= props.maxTextChars() ? text : text.substring(0, props.maxTextChars());
    }

    private static Charset charset(String contentType) {
        int i = contentType.indexOf("charset=");
        if (i >= 0) {
            try {
                return Charset.forName(contentType.substring(i + 8).split("[;\\s]")[0].replace("\"", ""));
            } catch (Exception ignored) {
                // fall back below
            }
        }
        return StandardCharsets.UTF_8;
    }
}
