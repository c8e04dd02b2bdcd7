package dev.griddle.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * A foreign key refusing a row whose parent was deleted meanwhile (a link attached while its runner
 * is being deleted) is a 409 in the envelope; any other integrity violation stays a 500. The race
 * cannot be produced on demand over HTTP (the API checks the owner first), so the mapping is
 * tested on the handler itself.
 */
class IntegrityViolationTest {

    private final ApiExceptionHandler handler = new ApiExceptionHandler(new ErrorWriter(JsonMapper.builder().build(), Clock.systemUTC()), java.util.List.of());

    @Test
    void aForeignKeyViolationIsAConflict() {
        var response = handler.integrity(violation("23503"), new MockHttpServletRequest("POST", "/api/v1/runners/x/connections"));
        assertThat(response.getStatusCode().value()).isEqualTo(409);
        assertThat(response.getBody().error().code()).isEqualTo("CONFLICT");
        assertThat(response.getBody().error().message()).contains("deleted meanwhile");
    }

    @Test
    void anyOtherViolationIsAnInternalError() {
        var response = handler.integrity(violation("23514"), new MockHttpServletRequest("POST", "/api/v1/runners"));
        assertThat(response.getStatusCode().value()).isEqualTo(500);
    }

    private static DataIntegrityViolationException violation(String sqlState) {
        return new DataIntegrityViolationException("insert refused", new SQLException("violates constraint", sqlState));
    }
}
