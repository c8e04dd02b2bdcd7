package dev.griddle.sdk;

import java.util.Map;

/**
 * Every error the API answers with, as one type: the HTTP status, the envelope's {@code code},
 * {@code message} and {@code details}, and the request id that links it to the server's log.
 */
public class GriddleApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String requestId;
    private final Map<String, Object> details;
    private final String recoveryHint;

    public GriddleApiException(int status, String code, String message, String requestId, Map<String, Object> details, String recoveryHint) {
        super(status + " " + code + ": " + message + (requestId == null ? "" : " (request id " + requestId + ")"));
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.details = details == null ? Map.of() : details;
        this.recoveryHint = recoveryHint;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The envelope's human message, without the status and request id prefix. */
    public String apiMessage() {
        String m = getMessage();
        int start = m.indexOf(": ") + 2;
        int end = requestId == null ? m.length() : m.lastIndexOf(" (request id ");
        return m.substring(start, end);
    }

    public String requestId() {
        return requestId;
    }

    public Map<String, Object> details() {
        return details;
    }

    public String recoveryHint() {
        return recoveryHint;
    }
}
