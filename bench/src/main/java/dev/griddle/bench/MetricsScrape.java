package dev.griddle.bench;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** One scrape of {@code GET /metrics} (Prometheus text format), with lookups by metric name and one label. */
final class MetricsScrape {

    private record Sample(String name, String labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    static MetricsScrape take(GriddleClient griddle) {
        RawResponse response = griddle.raw("GET", "/metrics", null, Map.of());
        if (response.status() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.status());
        }
        return parse(response.body());
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
