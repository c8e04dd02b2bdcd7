package dev.griddle.server.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Writes the error envelope straight to a response, for failures raised before MVC (filters). */
@Component
public class ErrorWriter {

    private static final Logger log = LoggerFactory.getLogger(ErrorWriter.class);

    private final JsonMapper json;
    private final Clock clock;

    public ErrorWriter(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public void write(HttpServletRequest request, HttpServletResponse response, ApiException e) throws IOException {
        if (response.isCommitted()) {
            log.warn("Cannot send {} {} for {} {}: response already committed", e.status().value(), e.code(), request.getMethod(), request.getRequestURI());
            return;
        }
        log.warn("{} {} -> {} {}: {}", request.getMethod(), request.getRequestURI(), e.status().value(), e.code(), e.getMessage());
        response.resetBuffer();
        response.setStatus(e.status().value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), envelope(request, e));
    }

    ErrorEnvelope envelope(HttpServletRequest request, ApiException e) {
        return ErrorEnvelope.of(e, RequestIds.of(request), clock.instant());
    }
}
