package dev.griddle.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One scrape of {@code GET /metrics} (Prometheus text format, no auth), with lookups by metric name
 * and one label. Plain JDK HTTP: the SDK asks for JSON, which this endpoint does not serve (406).
 */
final class MetricsScrape {

    private record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static MetricsScrape take(String baseUrl) {
        URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl + "metrics" : baseUrl + "/metrics");
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/plain").timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted scraping " + uri, e);
        }
    }

    static MetricsScrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            int nameEnd = brace >= 0 && brace < space ? brace : line.indexOf(' ');
            String name = line.substring(0, nameEnd);
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            try {
                samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1).trim())));
            } catch (NumberFormatException ignored) {
                // a timestamped or exotic sample: not one we read
            }
        }
        return new MetricsScrape(samples);
    }

    /** The first sample named {@code name} whose labels contain {@code label} (e.g. {@code quantile="0.99"}; empty = any). */
    OptionalDouble value(String name, String label) {
        return samples.stream().filter(s -> s.name.equals(name) && s.labels.contains(label)).mapToDouble(Sample::value).findFirst();
    }

    double valueOr(String name, String label, double fallback) {
        return value(name, label).orElse(fallback);
    }
}
