package dev.griddle.server.outbound;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * A GET of a URL a tenant gave (a web page for the web tools, a document for knowledge):
 * redirects followed by hand, at most {@value #MAX_REDIRECTS}, every hop through the
 * {@link OutboundGuard}; the body capped as it streams ({@link BoundedBody}) and the whole fetch,
 * body included, within one deadline. Failures carry a complete message naming the setting.
 */
public final class GuardedGet {

    public static final int MAX_REDIRECTS = 5;

    /** The final URL (after redirects), its status, the content type it named (or null) and the body. */
    public record Fetched(URI url, int status, String contentType, byte[] body) {
    }

    /** How much and how long, and the settings that say so in a message. */
    public record Limits(long maxBytes, BoundedBody.Overflow overflow, String maxBytesSetting, Duration timeout, String timeoutSetting) {
    }

    /** The fetch failed; {@link #retryable()} says whether trying again later may help. */
    public static final class Failed extends Exception {
        private final boolean retryable;

        Failed(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private GuardedGet() {
    }

    public static Fetched get(HttpClient http, OutboundGuard guard, URI url, Limits limits, Map<String, String> headers)
            throws Failed, InterruptedException {
        long deadline = System.nanoTime() + limits.timeout().toNanos();
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (current.getScheme() == null || !(current.getScheme().equals("http") || current.getScheme().equals("https"))) {
                throw new Failed("only http(s) URLs can be fetched, got '" + current + "'", false);
            }
            try {
                guard.check(current);
            } catch (OutboundGuard.Refused e) {
                throw new Failed(e.getMessage(), false);
            }
            Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(left).GET();
            headers.forEach(request::header);
            HttpResponse<byte[]> response;
            try {
                response = BoundedBody.send(http, request.build(), limits.maxBytes(), limits.overflow(), deadline);
            } catch (BoundedBody.TooLarge e) {
                throw new Failed(current + " is larger than " + limits.maxBytes() + " bytes (" + limits.maxBytesSetting() + ")", false);
            } catch (HttpTimeoutException e) {
                throw new Failed("fetching " + current + " took longer than " + limits.timeout().toMillis() + " ms (" + limits.timeoutSetting()
                        + ")", true);
            } catch (IOException e) {
                String refused = guard.refusalOf(current.getHost());
                if (refused != null) {
                    throw new Failed(refused, false);
                }
                throw new Failed("cannot fetch " + current + ": " + e.getMessage(), true);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                current = current.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status >= 400) {
                throw new Failed("fetching " + current + " answered HTTP " + status, status >= 500 || status == 429);
            }
            return new Fetched(current, status, response.headers().firstValue("Content-Type").orElse(null), response.body());
        }
        throw new Failed("more than " + MAX_REDIRECTS + " redirects from " + url, false);
    }
}
