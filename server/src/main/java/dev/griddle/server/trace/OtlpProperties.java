package dev.griddle.server.trace;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The standard OpenTelemetry exporter variables, bound by relaxed binding:
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (base URL; spans go to {@code <endpoint>/v1/traces}),
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL, wins when set),
 * {@code OTEL_EXPORTER_OTLP_HEADERS} ({@code key=value,key2=value2}, e.g. an auth header) and
 * {@code OTEL_EXPORTER_OTLP_TIMEOUT}. No endpoint: nothing is exported.
 */
@ConfigurationProperties("otel.exporter.otlp")
public record OtlpProperties(String endpoint, String tracesEndpoint, @DefaultValue("") String headers, @DefaultValue("10s") Duration timeout) {

    public OtlpProperties {
        for (String url : new String[] {endpoint, tracesEndpoint}) {
            if (url != null && !url.isBlank() && !url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_ENDPOINT (otel.exporter.otlp.endpoint) must be an http(s) URL, was " + url);
            }
        }
        for (String pair : headers.split(",")) {
            if (!pair.isBlank() && pair.indexOf('=') < 1) {
                throw new IllegalArgumentException("OTEL_EXPORTER_OTLP_HEADERS (otel.exporter.otlp.headers) must be key=value pairs separated by commas");
            }
        }
    }

    public boolean enabled() {
        return (tracesEndpoint != null && !tracesEndpoint.isBlank()) || (endpoint != null && !endpoint.isBlank());
    }

    URI tracesUri() {
        if (tracesEndpoint != null && !tracesEndpoint.isBlank()) {
            return URI.create(tracesEndpoint.trim());
        }
        String base = endpoint.trim();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces");
    }

    Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : headers.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(pair.substring(0, eq).trim(), java.net.URLDecoder.decode(pair.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return map;
    }
}
