package dev.griddle.server.console;

import dev.griddle.server.engine.RunNotFound;
import dev.griddle.server.engine.RunStateConflict;
import dev.griddle.server.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/** The console answers its failures with HTML pages; the API's handler keeps the JSON envelope for the API. */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

    private final ConsolePages pages;

    ConsoleErrors(ConsolePages pages) {
        this.pages = pages;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<String> api(ApiException e) {
        String title = switch (e.status().value()) {
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Not now";
            case 422 -> "Check the form";
            default -> e.status().getReasonPhrase();
        };
        return pages.errorPage(e.status().value(), title, String.join(" · ", ConsoleRunners.problems(e)));
    }

    @ExceptionHandler(RunNotFound.class)
    ResponseEntity<String> runNotFound(RunNotFound e) {
        return pages.errorPage(404, "Not found", e.getMessage());
    }

    @ExceptionHandler(RunStateConflict.class)
    ResponseEntity<String> conflict(RunStateConflict e) {
        return pages.errorPage(409, "Not now", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> failure(Exception e) {
        log.error("Console request failed", e);
        return pages.errorPage(500, "Something went wrong", "The server could not answer this page; the log has the details.");
    }
}
