package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.server.run.TestJson;
import dev.griddle.server.trigger.InboundSchemes.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The schemes' verification as pure logic, no Spring: signatures computed here with the JDK's Mac. */
class InboundSchemesTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final long TS = NOW.getEpochSecond();
    private static final String STANDARD_SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private static final String BODY = "{\"id\": \"evt_1\", \"event_id\": \"Ev1\", \"type\": \"url_verification\", \"challenge\": \"c-1\"}";

    private static HookRequest request(Map<String, String> headers) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return new HookRequest(lower, BODY.getBytes(StandardCharsets.UTF_8), "application/json", TestJson.parse(BODY));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(String secret, String data) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), data));
    }

    private static String v1(String id, long ts) {
        byte[] key = Base64.getDecoder().decode(STANDARD_SECRET.substring(6));
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, id + "." + ts + "." + BODY));
    }

    private static Verdict standard(String signature, long ts) {
        return InboundSchemes.verify(SignatureScheme.STANDARD, List.of(STANDARD_SECRET),
                request(Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(ts), "webhook-signature", signature)), NOW);
    }

    @Test
    void standardChecksEverySignatureAndTheTolerance() {
        assertThat(standard(v1("msg_1", TS), TS)).isEqualTo(Verdict.VERIFIED);
        assertThat(standard("v1,AAAA " + v1("msg_1", TS), TS)).isEqualTo(Verdict.VERIFIED);
        assertThat(standard("v1a," + v1("msg_1", TS).substring(3), TS)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(standard(v1("msg_2", TS), TS)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(standard(v1("msg_1", TS - 300), TS - 300)).isEqualTo(Verdict.VERIFIED);
        assertThat(standard(v1("msg_1", TS - 301), TS - 301)).isEqualTo(Verdict.STALE);
        assertThat(standard(v1("msg_1", TS + 301), TS + 301)).isEqualTo(Verdict.STALE);
        assertThat(standard("v1,!!not base64!!", TS)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(InboundSchemes.verify(SignatureScheme.STANDARD, List.of(STANDARD_SECRET), request(Map.of("webhook-signature", v1("msg_1", TS))),
                NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aPreviousSecretStillVerifies() {
        String other = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        HookRequest r = request(Map.of("webhook-id", "msg_1", "webhook-timestamp", Long.toString(TS), "webhook-signature", v1("msg_1", TS)));
        assertThat(InboundSchemes.verify(SignatureScheme.STANDARD, List.of(other, STANDARD_SECRET), r, NOW)).isEqualTo(Verdict.VERIFIED);
        assertThat(InboundSchemes.verify(SignatureScheme.STANDARD, List.of(other), r, NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void githubStripeSlackAndHmacSignTheirOwnWay() {
        String s = "the-shared-secret";
        assertThat(InboundSchemes.verify(SignatureScheme.GITHUB, List.of(s), request(Map.of("X-Hub-Signature-256", "sha256=" + hex(s, BODY))), NOW))
                .isEqualTo(Verdict.VERIFIED);
        assertThat(InboundSchemes.verify(SignatureScheme.GITHUB, List.of(s), request(Map.of("X-Hub-Signature-256", "sha1=" + hex(s, BODY))), NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(InboundSchemes.verify(SignatureScheme.STRIPE, List.of(s),
                request(Map.of("Stripe-Signature", "t=" + TS + ",v1=" + hex("x", TS + "." + BODY) + ",v1=" + hex(s, TS + "." + BODY))), NOW))
                .isEqualTo(Verdict.VERIFIED);
        assertThat(InboundSchemes.verify(SignatureScheme.STRIPE, List.of(s),
                request(Map.of("Stripe-Signature", "t=" + (TS - 600) + ",v1=" + hex(s, (TS - 600) + "." + BODY))), NOW)).isEqualTo(Verdict.STALE);
        assertThat(InboundSchemes.verify(SignatureScheme.STRIPE, List.of(s), request(Map.of("Stripe-Signature", "v1=" + hex(s, BODY))), NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(InboundSchemes.verify(SignatureScheme.SLACK, List.of(s), request(Map.of("X-Slack-Request-Timestamp", Long.toString(TS),
                "X-Slack-Signature", "v0=" + hex(s, "v0:" + TS + ":" + BODY))), NOW)).isEqualTo(Verdict.VERIFIED);
        assertThat(InboundSchemes.verify(SignatureScheme.SLACK, List.of(s), request(Map.of("X-Slack-Signature", "v0=" + hex(s, "v0:null:" + BODY))),
                NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(InboundSchemes.verify(SignatureScheme.HMAC_SHA256, List.of(s), request(Map.of("X-Griddle-Signature", "SHA256=" + hex(s, BODY))),
                NOW)).isEqualTo(Verdict.VERIFIED);
        // a scheme reads its own header only
        assertThat(InboundSchemes.verify(SignatureScheme.GITHUB, List.of(s), request(Map.of("X-Griddle-Signature", "sha256=" + hex(s, BODY))), NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void deliveryIdsAndHandshakes() {
        HookRequest r = request(Map.of("webhook-id", "msg_9", "X-GitHub-Delivery", "gh-9", "X-Griddle-Delivery", "g-9", "X-GitHub-Event", "ping"));
        assertThat(InboundSchemes.deliveryId(SignatureScheme.STANDARD, r)).contains("msg_9");
        assertThat(InboundSchemes.deliveryId(SignatureScheme.GITHUB, r)).contains("gh-9");
        assertThat(InboundSchemes.deliveryId(SignatureScheme.STRIPE, r)).contains("evt_1");
        assertThat(InboundSchemes.deliveryId(SignatureScheme.SLACK, r)).contains("Ev1");
        assertThat(InboundSchemes.deliveryId(SignatureScheme.HMAC_SHA256, r)).contains("g-9");
        assertThat(InboundSchemes.handshake(SignatureScheme.GITHUB, r)).contains(new InboundSchemes.Handshake("ping", null));
        assertThat(InboundSchemes.handshake(SignatureScheme.SLACK, r)).contains(new InboundSchemes.Handshake("url_verification", "c-1"));
        assertThat(InboundSchemes.handshake(SignatureScheme.STANDARD, r)).isEmpty();
        assertThat(InboundSchemes.signed(r)).isFalse();
    }
}
