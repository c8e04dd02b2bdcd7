package dev.griddle.server.web;

import org.springframework.http.HttpStatus;

/** The envelope's {@code error.code} for a bare HTTP status. */
final class StatusCodes {

    private StatusCodes() {
    }

    static String codeFor(HttpStatus status) {
        return switch (status.value()) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 409 -> "CONFLICT";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 415 -> "BAD_REQUEST";
            case 422 -> "VALIDATION_FAILED";
            case 429 -> "RATE_LIMITED";
            default -> status.is5xxServerError() ? "INTERNAL" : "BAD_REQUEST";
        };
    }
}
