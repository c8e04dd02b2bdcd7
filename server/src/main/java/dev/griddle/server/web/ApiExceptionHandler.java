package dev.griddle.server.web;

import dev.griddle.server.engine.InvalidStart;
import dev.griddle.server.engine.LiveRunLimitExceeded;
import dev.griddle.server.engine.RunNotFound;
import dev.griddle.server.engine.RunStateConflict;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * The one place where failures become the API.md error envelope: our {@link ApiException}s, the
 * engine's refusals and Spring MVC's own exceptions alike. 4xx log at WARN without a stack, 5xx at ERROR with one.
 */
@RestControllerAdvice
class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    private final ErrorWriter errors;
    private final java.util.List<StreamedUpload> uploads;

    ApiExceptionHandler(ErrorWriter errors, java.util.List<StreamedUpload> uploads) {
        this.errors = errors;
        this.uploads = uploads;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorEnvelope> api(ApiException e, HttpServletRequest request) {
        return respond(e, request, null);
    }

    @ExceptionHandler(RunNotFound.class)
    ResponseEntity<ErrorEnvelope> runNotFound(RunNotFound e, HttpServletRequest request) {
        return respond(ApiException.notFound(e.getMessage()), request, null);
    }

    @ExceptionHandler(RunStateConflict.class)
    ResponseEntity<ErrorEnvelope> runStateConflict(RunStateConflict e, HttpServletRequest request) {
        return respond(ApiException.conflict(e.getMessage()), request, null);
    }

    @ExceptionHandler(InvalidStart.class)
    ResponseEntity<ErrorEnvelope> invalidStart(InvalidStart e, HttpServletRequest request) {
        return respond(ApiException.fieldErrors(e.fieldErrors()), request, null);
    }

    /** The organization is at its hard limit of live runs: 429 with Retry-After, like the rate limit. */
    @ExceptionHandler(LiveRunLimitExceeded.class)
    ResponseEntity<ErrorEnvelope> liveRuns(LiveRunLimitExceeded e, HttpServletRequest request) {
        long seconds = e.retryAfter().toSeconds();
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return respond(new ApiException(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_LIVE_RUNS", e.getMessage(),
                Map.of("live_runs", e.liveRuns(), "limit", e.limit(), "retry_after_seconds", seconds),
                "Retry after the number of seconds in the Retry-After header, or raise griddle.engine.max-live-runs-per-org-hard."), request, headers);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorEnvelope> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof PayloadTooLargeException tooLarge) {
            return respond(ApiException.tooLarge(tooLarge.limitBytes()), request, null);
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = JsonPaths.describe(mismatch.getPath());
            String problem = mismatch.getTargetType() == null ? "has the wrong type" : "must be " + JsonPaths.typeName(mismatch.getTargetType());
            return respond(ApiException.fieldErrors(Map.of(field, List.of(problem))), request, null);
        }
        if (cause instanceof DatabindException bind && !bind.getPath().isEmpty()) {
            String field = JsonPaths.describe(bind.getPath());
            return respond(ApiException.fieldErrors(Map.of(field, List.of("is invalid: " + bind.getOriginalMessage()))), request, null);
        }
        String detail = cause instanceof JacksonException jackson ? jackson.getOriginalMessage() : "the body is empty or not JSON";
        return respond(ApiException.badRequest("Request body is not valid JSON: " + detail), request, null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorEnvelope> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return respond(ApiException.badRequest("Content-Type '" + e.getContentType() + "' is not supported here; use "
                + e.getSupportedMediaTypes()), request, null);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorEnvelope> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        ApiException api = new ApiException(HttpStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                "Method " + e.getMethod() + " is not allowed on " + request.getRequestURI(), Map.of("allowed", e.getSupportedMethods() == null ? List.of() : List.of(e.getSupportedMethods())), null);
        HttpHeaders headers = new HttpHeaders();
        if (e.getSupportedHttpMethods() != null) {
            headers.setAllow(e.getSupportedHttpMethods());
        }
        return respond(api, request, headers);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorEnvelope> noRoute(NoResourceFoundException e, HttpServletRequest request) {
        return respond(ApiException.notFound("No route " + request.getMethod() + " " + request.getRequestURI()), request, null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorEnvelope> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        boolean pathVariable = e.getParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.PathVariable.class);
        if (pathVariable && e.getRequiredType() == UUID.class) {
            return respond(ApiException.notFound("No resource with id '" + e.getValue() + "' (ids are UUIDs)"), request, null);
        }
        return respond(ApiException.fieldErrors(Map.of(e.getName(), List.of("must be " + JsonPaths.typeName(e.getRequiredType()) + ", was '" + e.getValue() + "'"))), request, null);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorEnvelope> missingParameter(MissingServletRequestParameterException e, HttpServletRequest request) {
        return respond(ApiException.fieldErrors(Map.of(e.getParameterName(), List.of("required"))), request, null);
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<ErrorEnvelope> missingPart(MissingServletRequestPartException e, HttpServletRequest request) {
        return respond(ApiException.badRequest("Multipart part '" + e.getRequestPartName() + "' is missing"), request, null);
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ErrorEnvelope> uploadTooLarge(MaxUploadSizeExceededException e, HttpServletRequest request) {
        // the container does not always say which limit it hit (-1): then it is the route's own
        long limit = e.getMaxUploadSize() > 0 ? e.getMaxUploadSize() : uploads.stream().filter(u -> u.path().equals(PathRules.routed(request)))
                .mapToLong(StreamedUpload::maxBytes).findFirst().orElse(-1);
        return respond(ApiException.tooLarge(limit), request, null);
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ErrorEnvelope> multipart(MultipartException e, HttpServletRequest request) {
        return respond(ApiException.badRequest("Request body is not valid multipart/form-data: " + e.getMessage()), request, null);
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ErrorEnvelope> duplicate(DuplicateKeyException e, HttpServletRequest request) {
        return respond(ApiException.conflict("A resource with the same unique name already exists"), request, null);
    }

    /**
     * A row refers to one deleted meanwhile (a link written while its owner is being deleted: the
     * foreign key refuses it). Other integrity violations stay internal errors: they are bugs.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ErrorEnvelope> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        if (e.getMostSpecificCause() instanceof java.sql.SQLException sql && "23503".equals(sql.getSQLState())) {
            return respond(ApiException.conflict("A resource this request refers to was deleted meanwhile"), request, null);
        }
        return internal(e, request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorEnvelope> unexpected(Exception e, HttpServletRequest request) {
        if (!(e instanceof ErrorResponse response)) {
            return internal(e, request);
        }
        HttpStatus status = HttpStatus.resolve(response.getStatusCode().value());
        if (status == null || status.is5xxServerError()) {
            return internal(e, request);
        }
        String detail = response.getBody().getDetail();
        return respond(new ApiException(status, StatusCodes.codeFor(status), detail == null ? status.getReasonPhrase() : detail, null, null), request, null);
    }

    private ResponseEntity<ErrorEnvelope> internal(Exception e, HttpServletRequest request) {
        log.error("{} {} failed (request id {})", request.getMethod(), request.getRequestURI(), RequestIds.of(request), e);
        ApiException internal = new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL",
                "Internal error; quote request id " + RequestIds.of(request) + " when reporting it", null, null);
        return ResponseEntity.status(internal.status()).body(errors.envelope(request, internal));
    }

    private ResponseEntity<ErrorEnvelope> respond(ApiException e, HttpServletRequest request, HttpHeaders headers) {
        if (e.status() == HttpStatus.FORBIDDEN && request.getAttribute(AuthFilter.CALLER) instanceof Caller caller) {
            Audit.denied(caller, request.getMethod(), PathRules.routed(request), e.getMessage());
        }
        log.warn("{} {} -> {} {}: {}", request.getMethod(), request.getRequestURI(), e.status().value(), e.code(), e.getMessage());
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status());
        if (headers != null) {
            builder.headers(headers);
        }
        return builder.contentType(org.springframework.http.MediaType.APPLICATION_JSON).body(errors.envelope(request, e));
    }
}
