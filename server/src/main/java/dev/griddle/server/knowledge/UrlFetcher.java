package dev.griddle.server.knowledge;

import dev.griddle.server.outbound.BoundedBody;
import dev.griddle.server.outbound.GuardedGet;
import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.web.ApiException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Fetches a document given by URL, once, when it is added ({@link GuardedGet}: every hop passes
 * the {@link OutboundGuard}, redirects followed by hand); the body is refused past
 * {@code max-url-bytes}, the whole fetch past {@code url-fetch-timeout}. A refusal or a failed
 * fetch is the caller's 422, before anything is stored.
 */
@Component
class UrlFetcher {

    private final OutboundGuard guard;
    private final HttpClient http;
    private final GuardedGet.Limits limits;

    UrlFetcher(OutboundGuard guard, KnowledgeProperties props) {
        this.guard = guard;
        this.limits = new GuardedGet.Limits(props.maxUrlBytes().toBytes(), BoundedBody.Overflow.FAIL, "griddle.knowledge.max-url-bytes",
                props.urlFetchTimeout(), "griddle.knowledge.url-fetch-timeout");
        this.http = HttpClient.newBuilder().connectTimeout(props.urlFetchTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    GuardedGet.Fetched fetch(URI url) {
        try {
            return GuardedGet.get(http, guard, url, limits, Map.of("User-Agent", "Griddle-knowledge/1"));
        } catch (GuardedGet.Failed e) {
            throw refused(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("interrupted while fetching " + url);
        }
    }

    private static ApiException refused(String why) {
        return ApiException.validation("URL_NOT_FETCHED", "The document's url could not be fetched: " + why, Map.of());
    }
}
