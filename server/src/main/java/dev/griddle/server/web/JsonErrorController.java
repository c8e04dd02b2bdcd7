package dev.griddle.server.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Whatever reaches the container's error page (a failure outside MVC) is answered with the JSON
 * envelope too: never an HTML page, never a stack trace. {@code /error} is the container's error
 * page, not a route: requested directly it answers {@code 404} like any unknown path.
 */
@RestController
class JsonErrorController implements ErrorController {

    private final ErrorWriter errors;

    JsonErrorController(ErrorWriter errors) {
        this.errors = errors;
    }

    @RequestMapping("/error")
    ResponseEntity<ErrorEnvelope> error(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            return respond(request, ApiException.notFound("No route " + request.getMethod() + " " + request.getRequestURI()));
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null ? HttpStatus.resolve(i) : HttpStatus.INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String message = switch (status) {
            case NOT_FOUND -> "No route " + (uri == null ? "" : uri);
            case INTERNAL_SERVER_ERROR -> "Internal error; quote request id " + RequestIds.of(request) + " when reporting it";
            default -> status.getReasonPhrase();
        };
        return respond(request, new ApiException(status, StatusCodes.codeFor(status), message, null, null));
    }

    private ResponseEntity<ErrorEnvelope> respond(HttpServletRequest request, ApiException e) {
        return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON).body(errors.envelope(request, e));
    }
}
