package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.TriggerModels.Delivery;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.sdk.TriggerModels.TriggerInput;
import dev.griddle.server.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code /hooks} limits verified deliveries and failed verifications per trigger, apart: junk
 * cannot lock the real sender out. Its low limits need a context of its own, closed after the
 * class so its connection pool does not stay open for the rest of the suite.
 */
@DirtiesContext
@TestPropertySource(properties = {"griddle.triggers.webhook-failures-per-minute=3", "griddle.triggers.webhook-burst=4",
        "griddle.triggers.webhook-per-second=1"})
class WebhookRateLimitApiTest extends ApiTest {

    private Trigger webhook(GriddleClient c) {
        UUID runner = c.runners().createYaml("name: r-" + UUID.randomUUID() + "\nsteps:\n  - {id: t, type: transform, with: {value: 1}}\n").id();
        return c.triggers().create(runner, TriggerInput.webhook());
    }

    private static List<Integer> statuses(GriddleClient c, int times, java.util.function.Supplier<RawResponse> send) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(send.get().status());
        }
        return out;
    }

    @Test
    void junkIsCappedWithoutLockingOutTheRealSender() {
        GriddleClient c = newOrg();
        Trigger t = webhook(c);
        Map<String, String> forged = Map.of("Content-Type", "application/json", "webhook-id", "msg_x", "webhook-timestamp", "1",
                "webhook-signature", "v1,AAAA");
        List<Integer> junk = statuses(c, 10, () -> c.raw("POST", "/hooks/" + t.id(), "{}", forged));
        assertThat(junk.subList(0, 3)).containsOnly(401);
        assertThat(junk.subList(3, 10)).containsOnly(429);
        List<Integer> unsigned = statuses(c, 2, () -> c.raw("POST", "/hooks/" + t.id(), "{}", Map.of("Content-Type", "application/json")));
        assertThat(unsigned).containsOnly(429);

        RawResponse real = c.triggers().deliverRaw(t.id(), t.signingSecret(), "{}", "application/json", null);
        assertThat(real.status()).as(real.body()).isEqualTo(202);
        // only the 3 refusals under the cap and the real delivery are logged
        assertThat(c.triggers().deliveries(t.id(), PageRequest.first()).data()).extracting(Delivery::status).containsExactly(202, 401, 401, 401);
    }

    @Test
    void verifiedDeliveriesHaveTheirOwnLimitPerTrigger() {
        GriddleClient c = newOrg();
        Trigger busy = webhook(c);
        Trigger quiet = webhook(c);
        List<Integer> burst = statuses(c, 8, () -> c.triggers().deliverRaw(busy.id(), busy.signingSecret(), "{}", "application/json", null));
        assertThat(burst).contains(429);
        assertThat(burst.subList(0, 4)).containsOnly(202);
        RawResponse other = c.triggers().deliverRaw(quiet.id(), quiet.signingSecret(), "{}", "application/json", null);
        assertThat(other.status()).isEqualTo(202);
        // the busy trigger's failures bucket is untouched: a forged request is still a plain 401
        assertThat(c.raw("POST", "/hooks/" + busy.id(), "{}", Map.of("Content-Type", "application/json", "X-Griddle-Signature", "sha256=00"))
                .status()).isEqualTo(401);
    }
}
