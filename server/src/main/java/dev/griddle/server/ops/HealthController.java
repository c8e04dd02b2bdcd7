package dev.griddle.server.ops;

import dev.griddle.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness ({@code /healthz}: the process answers) and readiness ({@code /readyz}: the database answers). */
@RestController
class HealthController {

    private final JdbcClient jdbc;

    HealthController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Operation(summary = "Liveness", description = "200 {status: ok} while the process serves requests; no key needed.")
    @GetMapping("/healthz")
    Map<String, String> health() {
        return Map.of("status", "ok");
    }

    @Operation(summary = "Readiness", description = "200 when the database is reachable ({database: up}), 503 otherwise; no key needed.")
    @GetMapping("/readyz")
    ResponseEntity<Map<String, String>> ready() {
        try {
            jdbc.sql("select 1").query(Integer.class).single();
            return ResponseEntity.ok(Map.of("status", "ready", "database", "up"));
        } catch (RuntimeException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "The database is not reachable: " + e.getMessage(), null,
                    "Check GRIDDLE_DATABASE_URL and that PostgreSQL is running.");
        }
    }
}
