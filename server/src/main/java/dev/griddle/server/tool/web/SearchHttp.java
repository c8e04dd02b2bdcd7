package dev.griddle.server.tool.web;

import dev.griddle.server.tool.ToolException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One search API request, answered as JSON or as a {@link ToolException} that names the backend,
 * the HTTP status and what to do about it. 429 and 5xx are retryable; 401 and 403 point at the key.
 * The key is masked out of any response text quoted in an error.
 */
final class SearchHttp {

    private static final int DETAIL_CHARS = 200;

    private final String backend;
    private final String keySetting;
    private final String key;
    private final HttpClient http;
    private final JsonMapper json;

    /** {@code backend} names the API in messages; {@code keySetting} is the setting a 401 points at (null for SearXNG). */
    SearchHttp(String backend, String keySetting, String key, WebProperties props, JsonMapper json) {
        this.backend = backend;
        this.keySetting = keySetting;
        this.key = key;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(props.fetchTimeout()).build();
    }

    JsonNode send(HttpRequest request) throws ToolException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ToolException(backend + " is unreachable: " + e.getMessage(), true);
        }
        int status = response.statusCode();
        if (status != 200) {
            throw new ToolException(backend + " answered HTTP " + status + advice(status) + detail(response.body()), status == 429 || status >= 500);
        }
        try {
            return json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new ToolException(backend + " did not answer JSON", false);
        }
    }

    private String advice(int status) {
        return switch (status) {
            case 401, 403 -> keySetting == null ? " (is the json format enabled in its settings.yml?)" : " (the API key was refused: check " + keySetting + ")";
            case 429 -> " (rate limited or out of quota; try again later)";
            default -> "";
        };
    }

    private String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.replaceAll("\\s+", " ").strip();
        if (key != null) {
            text = text.replace(key, "***");
        }
        return ": " + (text.length() > DETAIL_CHARS ? text.substring(0, DETAIL_CHARS) + "..." : text);
    }
}
