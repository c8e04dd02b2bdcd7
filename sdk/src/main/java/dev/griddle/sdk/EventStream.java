package dev.griddle.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a Server-Sent Events stream, handing each event's {@code data} to the caller. */
final class EventStream {

    private final Transport http;

    EventStream(Transport http) {
        this.http = http;
    }

    void follow(String path, String lastEventId, Predicate<String> onData) {
        Map<String, String> headers = lastEventId == null ? Map.of("Accept", "text/event-stream")
                : Map.of("Accept", "text/event-stream", "Last-Event-ID", lastEventId);
        try (InputStream body = http.stream(path, headers);
                BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        if (!onData.test(data.toString())) {
                            return;
                        }
                        data.setLength(0);
                    }
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("event stream " + path + " broke: " + e.getMessage(), e);
        }
    }
}
