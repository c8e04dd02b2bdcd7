package dev.griddle.sdk;

import java.net.http.HttpHeaders;
import java.util.Optional;

/** A response as it came, for callers (and tests) that need the status, headers and bytes. */
public record RawResponse(int status, HttpHeaders headers, String body) {

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }
}
