package dev.griddle.server.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.util.ContentCachingResponseWrapper;

/** A response kept for an idempotency key: enough to replay it byte for byte. */
record StoredResponse(int status, String contentType, String location, byte[] body) {

    static StoredResponse capture(ContentCachingResponseWrapper response) {
        return new StoredResponse(response.getStatus(), response.getContentType(), response.getHeader("Location"), response.getContentAsByteArray());
    }

    void writeTo(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        if (contentType != null) {
            response.setContentType(contentType);
        }
        if (location != null) {
            response.setHeader("Location", location);
        }
        response.setHeader("Idempotent-Replayed", "true");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
