package dev.griddle.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.ApiTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Sign-in attempts are limited per client address ({@code griddle.console.sign-in-per-minute}). */
@TestPropertySource(properties = "griddle.console.sign-in-per-minute=3")
class ConsoleSignInLimitTest extends ApiTest {

    @Test
    void aFourthAttemptInAMinuteIsRefusedEvenWithAGoodKey() {
        ConsoleHttp console = new ConsoleHttp(baseUrl());
        for (int i = 0; i < 3; i++) {
            assertThat(console.signIn("grd_live_Wrong" + i + "00000000000000000000000000000000").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = console.signIn(INSTANCE_ADMIN_KEY);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(refused.body()).contains("Too many sign-in attempts").contains("<html");
        assertThat(console.get("/console/sign-in", null).statusCode()).isEqualTo(200);
    }
}
