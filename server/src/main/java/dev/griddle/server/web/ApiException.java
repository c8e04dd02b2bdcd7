package dev.griddle.server.web;

import dev.griddle.server.Refusal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A failure the caller should see as the API's error envelope. The handful of factories below are
 * the only error kinds the API speaks; {@link ApiExceptionHandler} maps them in one place.
 */
public class ApiException extends Refusal {

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> details;
    private final String recoveryHint;

    public ApiException(HttpStatus status, String code, String message, Map<String, Object> details, String recoveryHint) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : details;
        this.recoveryHint = recoveryHint;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "BAD_REQUEST", message, null, null);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED", message, null,
                "Send 'Authorization: Bearer <api key>' with a key that is neither revoked nor expired.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, "FORBIDDEN", message, null, null);
    }

    public static ApiException notFound(String kind, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "No " + kind + " with id '" + id + "'", null, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", message, null, null);
    }

    public static ApiException conflict(String message) {
        return new ApiException(HttpStatus.CONFLICT, "CONFLICT", message, null, null);
    }

    public static ApiException validation(String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "VALIDATION_FAILED", message, null, null);
    }

    public static ApiException validation(String code, String message, Map<String, Object> details) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, code, message, details, null);
    }

    /** 422 naming each bad field: {@code details.field_errors = {field: [problem, ...]}}. */
    public static ApiException fieldErrors(Map<String, List<String>> fieldErrors) {
        StringBuilder message = new StringBuilder("Invalid request body: ");
        fieldErrors.forEach((field, problems) -> message.append(field).append(' ').append(String.join(", ", problems)).append("; "));
        message.setLength(message.length() - 2);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field_errors", fieldErrors);
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "VALIDATION_FAILED", message.toString(), details, null);
    }

    public static ApiException tooLarge(long limitBytes) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE",
                "Request body is larger than the limit of " + limitBytes + " bytes", Map.of("limit_bytes", limitBytes), null);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public String recoveryHint() {
        return recoveryHint;
    }
}
