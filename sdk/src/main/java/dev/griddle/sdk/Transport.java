package dev.griddle.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;

/** HTTP and JSON for every resource client: bearer auth, snake_case, errors as {@link GriddleApiException}. */
final class Transport {

    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private final URI baseUrl;
    private final String apiKey;
    private final HttpClient http;
    private final Duration timeout;

    Transport(URI baseUrl, String apiKey, HttpClient http, Duration timeout) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = http;
        this.timeout = timeout;
    }

    URI baseUrl() {
        return baseUrl;
    }

    Transport withApiKey(String otherKey) {
        return new Transport(baseUrl, otherKey, http, timeout);
    }

    <T> T call(String method, String path, Object body, Class<T> type) {
        return decode(send(method, path, body, Map.of()), JSON.constructType(type));
    }

    <T> T call(String method, String path, Object body, TypeReference<T> type) {
        return decode(send(method, path, body, Map.of()), JSON.constructType(type));
    }

    <T> Page<T> page(String path, Class<T> item) {
        JavaType type = JSON.getTypeFactory().constructParametricType(Page.class, item);
        return decode(send("GET", path, null, Map.of()), type);
    }

    RawResponse send(String method, String path, Object body, Map<String, String> headers) {
        String json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        RawResponse response = raw(method, path, json, "application/json", headers);
        if (response.status() >= 400) {
            throw error(response);
        }
        return response;
    }

    RawResponse raw(String method, String path, String body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path.startsWith("/") ? path.substring(1) : path)).timeout(timeout)
                .header("Accept", "application/json");
        if (apiKey != null && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        // the content type is its own parameter: a Content-Type among the headers too would be sent twice
        headers.forEach((name, value) -> {
            if (body == null || !name.equalsIgnoreCase("Content-Type")) {
                request.header(name, value);
            }
        });
        if (body != null) {
            request.header("Content-Type", contentType);
            request.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new RawResponse(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** A request with a body of raw bytes (a multipart upload); an error status throws, else the JSON answer as {@code type}. */
    <T> T callBytes(String method, String path, byte[] body, String contentType, Class<T> type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path.startsWith("/") ? path.substring(1) : path)).timeout(timeout)
                .header("Accept", "application/json").header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            RawResponse response = new RawResponse(answer.statusCode(), answer.headers(), answer.body());
            if (response.status() >= 400) {
                throw error(response);
            }
            return decode(response, JSON.constructType(type));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** Opens a streaming GET (for SSE); an error status throws. */
    java.io.InputStream stream(String path, Map<String, String> headers) {
        return stream("GET", path, null, headers);
    }

    /** Opens a streaming request with an optional JSON body (for SSE answers to a POST); an error status throws. */
    java.io.InputStream stream(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path.startsWith("/") ? path.substring(1) : path));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 400) {
                String text;
                try (java.io.InputStream in = response.body()) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                throw error(new RawResponse(response.statusCode(), response.headers(), text));
            }
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    private static <T> T decode(RawResponse response, JavaType type) {
        if (response.status() == 204 || response.body() == null || response.body().isEmpty()) {
            return null;
        }
        return JSON.readValue(response.body(), type);
    }

    static GriddleApiException error(RawResponse response) {
        String requestId = response.header("X-Request-Id").orElse(null);
        try {
            JsonNode root = JSON.readTree(response.body());
            JsonNode error = root.path("error");
            if (error.isObject()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> details = error.has("details") ? JSON.convertValue(error.get("details"), Map.class) : Map.of();
                return new GriddleApiException(response.status(), error.path("code").asString("UNKNOWN"), error.path("message").asString(""),
                        root.path("meta").path("request_id").asString(requestId), details,
                        error.hasNonNull("recovery_hint") ? error.get("recovery_hint").asString() : null);
            }
        } catch (RuntimeException notJson) {
            // fall through: not our envelope (a proxy's page, say)
        }
        return new GriddleApiException(response.status(), "HTTP_" + response.status(), String.valueOf(response.body()), requestId, Map.of(), null);
    }
}
