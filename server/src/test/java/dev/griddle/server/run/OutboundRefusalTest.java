package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.server.ApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** End to end, loopback only: without GRIDDLE_OUTBOUND_ALLOW an http step may not call 127.0.0.1. */
@TestPropertySource(properties = "griddle.outbound-allow=")
class OutboundRefusalTest extends ApiTest {

    @Test
    void loopbackIsRefusedWhenNotAllowed() throws Exception {
        try (EchoServer echo = new EchoServer()) {
            GriddleClient c = newOrg();
            var r = runner(c, "steps:\n  - {id: call, type: http, retry: {max_attempts: 3}, with: {method: GET, url: \"%s\"}}\n".formatted(echo.url("/echo")));
            Run run = runToEnd(c, r.id(), null);
            assertThat(run.status()).isEqualTo("failed");
            assertThat(run.error().path("message").asString()).contains("refused").contains("127.0.0.1").contains("GRIDDLE_OUTBOUND_ALLOW");
            assertThat(echo.received).isEmpty();
        }
    }
}
