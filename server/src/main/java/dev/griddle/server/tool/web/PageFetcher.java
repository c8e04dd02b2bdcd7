package dev.griddle.server.tool.web;

import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.tool.ToolException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.springframework.stereotype.Component;

/**
 * Fetches one page for the web tools: every hop (redirects are followed by hand, at most
 * {@value #MAX_REDIRECTS}) passes the {@link OutboundGuard}, the body is cut at
 * {@code max-page-bytes}, the whole fetch at {@code fetch-timeout}; HTML is reduced to its main
 * text with jsoup (scripts, styles, navigation, headers and footers dropped).
 */
@Component
class PageFetcher {

    /** A fetched page: final URL, title, main text (cut at {@code max-text-chars}), links (absolute, http(s) only). */
    record Page(URI url, int status, String title, String text, boolean truncated, List<URI> links) {
    }

    static final int MAX_REDIRECTS = 5;

    private final OutboundGuard guard;
    private final WebProperties props;
    private final HttpClient http;

    PageFetcher(OutboundGuard guard, WebProperties props) {
        this.guard = guard;
        this.props = props;
        this.http = HttpClient.newBuilder().connectTimeout(props.fetchTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Page fetch(URI url) throws ToolException, InterruptedException {
        long deadline = System.nanoTime() + props.fetchTimeout().toNanos();
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (current.getScheme() == null || !(current.getScheme().equals("http") || current.getScheme().equals("https"))) {
                throw new ToolException("only http(s) URLs can be read, got '" + current + "'", false);
            }
            try {
                guard.check(current);
            } catch (OutboundGuard.Refused e) {
                throw new ToolException(e.getMessage(), false);
            }
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            HttpRequest request = HttpRequest.newBuilder(current).timeout(left).header("User-Agent", "Griddle-web-tools/1")
                    .header("Accept", "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5").GET().build();
            HttpResponse<byte[]> response;
            try {
                // cut at max-page-bytes as it streams, and the whole fetch, body included, within fetch-timeout
                response = BoundedBody.send(http, request, props.maxPageBytes(), BoundedBody.Overflow.TRUNCATE, deadline);
            } catch (java.net.http.HttpTimeoutException e) {
                throw new ToolException("fetching " + current + " took longer than " + props.fetchTimeout().toMillis() + " ms (griddle.web.fetch-timeout)", true);
            } catch (IOException e) {
                String refused = guard.refusalOf(current.getHost());
                if (refused != null) {
                    throw new ToolException(refused, false);
                }
                throw new ToolException("cannot fetch " + current + ": " + e.getMessage(), true);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                current = current.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            byte[] body = response.body();
            if (status >= 400) {
                throw new ToolException("fetching " + current + " answered HTTP " + status, status >= 500 || status == 429);
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("text/html").toLowerCase(Locale.ROOT);
            Charset charset = charset(contentType);
            String raw = new String(body, charset);
            boolean cut = body.length >= props.maxPageBytes();
            if (contentType.contains("html") || contentType.contains("xml")) {
                return page(current, status, Jsoup.parse(raw, current.toString()), cut);
            }
            if (contentType.startsWith("text/") || contentType.contains("json")) {
                return new Page(current, status, "", limit(raw), cut || raw.length() > props.maxTextChars(), List.of());
            }
            throw new ToolException(current + " is " + contentType + ", not text or HTML", false);
        }
        throw new ToolException("more than " + MAX_REDIRECTS + " redirects from " + url, false);
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
