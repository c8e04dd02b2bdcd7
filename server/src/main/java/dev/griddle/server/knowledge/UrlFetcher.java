package dev.griddle.server.knowledge;

import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.web.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Fetches a document given by URL, once, when it is added: every hop (redirects followed by hand,
 * at most {@value #MAX_REDIRECTS}) passes the {@link OutboundGuard}; the body is refused past
 * {@code max-url-bytes}, the whole fetch past {@code url-fetch-timeout}. A refusal or a failed
 * fetch is the caller's 422, before anything is stored.
 */
@Component
class UrlFetcher {

    static final int MAX_REDIRECTS = 5;

    /** The fetched body, its final URL and the content type the server named. */
    record Fetched(URI url, String contentType, byte[] body) {
    }

    private final OutboundGuard guard;
    private final KnowledgeProperties props;
    private final HttpClient http;

    UrlFetcher(OutboundGuard guard, KnowledgeProperties props) {
        this.guard = guard;
        this.props = props;
        this.http = HttpClient.newBuilder().connectTimeout(props.urlFetchTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Fetched fetch(URI url) {
        long deadline = System.nanoTime() + props.urlFetchTimeout().toNanos();
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (current.getScheme() == null || !(current.getScheme().equals("http") || current.getScheme().equals("https"))) {
                throw refused("only http(s) URLs can be fetched, got '" + current + "'");
            }
            try {
                guard.check(current);
            } catch (OutboundGuard.Refused e) {
                throw refused(e.getMessage());
            }
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            HttpRequest request = HttpRequest.newBuilder(current).timeout(left).header("User-Agent", "Griddle-knowledge/1").GET().build();
            HttpResponse<byte[]> response;
            try {
                response = BoundedBody.send(http, request, props.maxUrlBytes().toBytes(), BoundedBody.Overflow.FAIL, deadline);
            } catch (BoundedBody.TooLarge e) {
                throw refused(current + " is larger than " + props.maxUrlBytes().toBytes() + " bytes (griddle.knowledge.max-url-bytes)");
            } catch (java.net.http.HttpTimeoutException e) {
                throw refused("fetching " + current + " took longer than " + props.urlFetchTimeout().toMillis()
                        + " ms (griddle.knowledge.url-fetch-timeout)");
            } catch (IOException e) {
                throw refused("cannot fetch " + current + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw refused("interrupted while fetching " + current);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                current = current.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status >= 400) {
                throw refused("fetching " + current + " answered HTTP " + status);
            }
            return new Fetched(current, response.headers().firstValue("Content-Type").orElse(null), response.body());
        }
        throw refused("more than " + MAX_REDIRECTS + " redirects from " + url);
    }

    private static ApiException refused(String why) {
        return ApiException.validation("URL_NOT_FETCHED", "The document's url could not be fetched: " + why, Map.of());
    }
}
