package dev.griddle.server.llm;

import dev.griddle.server.replay.CallTape;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * LangChain4j's HTTP port, on the JDK client (HTTP/1.1), so a provider's refusal keeps what we need
 * to retry well: the status, the body and {@code Retry-After} (LangChain4j's own client drops the
 * headers). Used by {@code llm} steps and by chat threads' streaming. An instance is the read
 * timeout over {@link ProviderTransport}'s shared JDK client, so models are cheap to make and drop.
 */
final class ProviderHttpClient implements HttpClient {

    /** A provider answered an error status. {@code retryAfter} is null when it did not say. */
    static final class ProviderStatusException extends HttpException {
        final Duration retryAfter;
        final String body;

        ProviderStatusException(int status, String body, Duration retryAfter) {
            super(status, body);
            this.body = body;
            this.retryAfter = retryAfter;
        }
    }

    /** The provider could not be reached or did not answer in time. */
    static final class ProviderUnreachableException extends RuntimeException {
        ProviderUnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final java.net.http.HttpClient http;
    private final Duration readTimeout;

    private ProviderHttpClient(java.net.http.HttpClient http, Duration readTimeout) {
        this.http = http;
        this.readTimeout = readTimeout == null ? Duration.ofSeconds(120) : readTimeout;
    }

    /**
     * A blocking call. Inside a step it is an external call of the run (issue #18): recorded, or
     * answered from the recording of the run a replay replays. What the call means is its method, the
     * URL's path (not the provider's host) and the body (model, messages, tools, parameters); the
     * headers (keys) are not part of it.
     */
    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        CallTape tape = CallTape.current();
        if (tape == null) {
            return live(request);
        }
        ObjectNode meaning = JSON.createObjectNode().put("method", request.method().name()).put("path", path(request.url()));
        meaning.set("body", parsed(request.body()));
        try {
            JsonNode answer = tape.exchange("llm", meaning, () -> {
                SuccessfulHttpResponse r = live(request);
                ObjectNode recorded = JSON.createObjectNode().put("status", r.statusCode());
                recorded.set("body", parsed(r.body()));
                return recorded;
            });
            JsonNode body = answer.path("body");
            return SuccessfulHttpResponse.builder().statusCode(answer.path("status").asInt(200))
                    .headers(java.util.Map.of("content-type", java.util.List.of("application/json")))
                    .body(body.isString() ? body.asString() : JSON.writeValueAsString(body)).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnreachableException("interrupted", e);
        }
    }

    private static JsonNode parsed(String body) {
        if (body == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return JSON.stringNode(body);
        }
    }

    private static String path(String url) {
        try {
            return URI.create(url).getRawPath();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    private SuccessfulHttpResponse live(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(jdkRequest(request, readTimeout), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ProviderUnreachableException("no answer from " + host(request.url()) + " within " + readTimeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new ProviderUnreachableException("cannot reach " + host(request.url()) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnreachableException("interrupted", e);
        }
        if (response.statusCode() >= 400) {
            throw new ProviderStatusException(response.statusCode(), response.body(), retryAfter(response.headers().firstValue("Retry-After")));
        }
        return SuccessfulHttpResponse.builder().statusCode(response.statusCode()).headers(response.headers().map()).body(response.body()).build();
    }

    /**
     * A streamed answer (chat threads), read and parsed on a virtual thread of its own, which is
     * also where the listener (our token handler) runs: LangChain4j's JDK client would parse on the
     * JDK client's default executor, the common fork-join pool (one thread on a two-core machine,
     * shared with other work), one more hand-off between the socket and the client's stream. The
     * read timeout bounds the wait for the response headers; the body may stream for longer.
     * A refusal keeps its status and body, as for blocking calls.
     */
    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        java.net.http.HttpRequest jdk = jdkRequest(request, readTimeout);
        Thread.ofVirtual().name("provider-stream").start(() -> {
            HttpResponse<InputStream> response;
            try {
                response = http.send(jdk, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                listener.onError(new ProviderUnreachableException("no answer from " + host(request.url()) + " within " + readTimeout.toSeconds()
                        + " s", e));
                return;
            } catch (IOException e) {
                listener.onError(new ProviderUnreachableException("cannot reach " + host(request.url()) + ": " + e, e));
                return;
            } catch (InterruptedException e) {
                listener.onError(new ProviderUnreachableException("interrupted", e));
                return;
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() >= 400) {
                    listener.onError(new ProviderStatusException(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8),
                            retryAfter(response.headers().firstValue("Retry-After"))));
                    return;
                }
                listener.onOpen(SuccessfulHttpResponse.builder().statusCode(response.statusCode()).headers(response.headers().map()).build());
                parser.parse(body, listener);
                listener.onClose();
            } catch (IOException | RuntimeException e) {
                listener.onError(e);
            }
        });
    }

    private static java.net.http.HttpRequest jdkRequest(HttpRequest request, Duration readTimeout) {
        java.net.http.HttpRequest.Builder out = java.net.http.HttpRequest.newBuilder(URI.create(request.url())).timeout(readTimeout);
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
                values.forEach(v -> out.header(name, v));
            }
        });
        String body = request.body();
        out.method(request.method().name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return out.build();
    }

    /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return null;
        }
        String v = header.get().strip();
        try {
            return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String host(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** Builds clients over {@link ProviderTransport}'s shared JDK client: no threads or connections of their own. */
    static final class Builder implements HttpClientBuilder {
        private final ProviderTransport transport;
        private Duration connectTimeout;
        private Duration readTimeout;

        Builder(ProviderTransport transport) {
            this.transport = transport;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public HttpClient build() {
            return new ProviderHttpClient(transport.client(connectTimeout), readTimeout);
        }
    }

}
