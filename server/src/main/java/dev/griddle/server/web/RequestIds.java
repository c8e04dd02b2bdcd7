package dev.griddle.server.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;

/** The request id every response carries: the caller's {@code X-Request-Id} when sane, else a new one. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = RequestIds.class.getName();

    private RequestIds() {
    }

    public static String of(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id == null ? "unknown" : id.toString();
    }

    static String accept(String fromCaller) {
        if (fromCaller != null && !fromCaller.isBlank() && fromCaller.length() <= 128
                && fromCaller.chars().allMatch(c -> c > 32 && c < 127)) {
            return fromCaller;
        }
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }
}
