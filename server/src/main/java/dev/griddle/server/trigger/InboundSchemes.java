package dev.griddle.server.trigger;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What each {@link SignatureScheme} asks of a delivery: where its signatures are, what they sign,
 * which id de-duplicates it, and which of its requests are handshakes that start no run.
 * Signatures are compared in constant time, each given signature against each valid secret (the
 * current one and, during a rotation's grace period, the previous one).
 */
final class InboundSchemes {

    /** How far a signed timestamp may be from this server's clock, either way. */
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** Every header some scheme signs with: a request with none of them is unsigned for any trigger. */
    static final List<String> SIGNATURE_HEADERS = List.of("webhook-signature", "x-hub-signature-256", "stripe-signature", "x-slack-signature",
            "x-griddle-signature");

    enum Verdict { VERIFIED, BAD_SIGNATURE, STALE }

    /** A request answered {@code 200} without a run: GitHub's ping, Slack's URL verification (with its challenge). */
    record Handshake(String event, String challenge) {
    }

    private InboundSchemes() {
    }

    static boolean signed(HookRequest r) {
        return SIGNATURE_HEADERS.stream().map(r::header).anyMatch(h -> h != null && !h.isBlank());
    }

    /** Whether one of {@code secrets} signed this request the way {@code scheme} signs, and within the tolerance. */
    static Verdict verify(SignatureScheme scheme, List<String> secrets, HookRequest r, Instant now) {
        return switch (scheme) {
            case STANDARD -> standard(secrets, r, now);
            case GITHUB -> hex(scheme, secrets, r.body(), "sha256=", r.header("X-Hub-Signature-256"));
            case STRIPE -> stripe(secrets, r, now);
            case SLACK -> timed(hex(scheme, secrets, SigningSecrets.concat("v0:" + r.header("X-Slack-Request-Timestamp") + ":", r.body()), "v0=",
                    r.header("X-Slack-Signature")), r.header("X-Slack-Request-Timestamp"), now);
            case HMAC_SHA256 -> hex(scheme, secrets, r.body(), "sha256=", r.header("X-Griddle-Signature"));
        };
    }

    /** The sender's id of this delivery, which a repeat carries again; empty when the sender gave none. */
    static Optional<String> deliveryId(SignatureScheme scheme, HookRequest r) {
        String id = switch (scheme) {
            case STANDARD -> r.header("webhook-id");
            case GITHUB -> r.header("X-GitHub-Delivery");
            case STRIPE -> r.json().path("id").isString() ? r.json().path("id").asString() : null;
            case SLACK -> r.json().path("event_id").isString() ? r.json().path("event_id").asString() : null;
            case HMAC_SHA256 -> r.header("X-Griddle-Delivery");
        };
        return Optional.ofNullable(id);
    }

    /** The handshake this verified request is, if it is one. */
    static Optional<Handshake> handshake(SignatureScheme scheme, HookRequest r) {
        if (scheme == SignatureScheme.GITHUB && "ping".equals(r.header("X-GitHub-Event"))) {
            return Optional.of(new Handshake("ping", null));
        }
        if (scheme == SignatureScheme.SLACK && "url_verification".equals(r.json().path("type").asString(null))) {
            return Optional.of(new Handshake("url_verification", r.json().path("challenge").asString("")));
        }
        return Optional.empty();
    }

    private static Verdict standard(List<String> secrets, HookRequest r, Instant now) {
        String id = r.header("webhook-id");
        String timestamp = r.header("webhook-timestamp");
        String header = r.header("webhook-signature");
        if (id == null || timestamp == null || header == null) {
            return Verdict.BAD_SIGNATURE;
        }
        boolean match = false;
        for (String secret : secrets) {
            byte[] key = SigningSecrets.key(SignatureScheme.STANDARD, secret);
            if (key == null) {
                continue;
            }
            byte[] expected = SigningSecrets.standard(key, id, timestamp, r.body());
            for (String given : header.trim().split(" +")) {
                match |= given.startsWith("v1,") && MessageDigest.isEqual(expected, base64(given.substring(3)));
            }
        }
        return timed(match ? Verdict.VERIFIED : Verdict.BAD_SIGNATURE, timestamp, now);
    }

    private static Verdict stripe(List<String> secrets, HookRequest r, Instant now) {
        String header = r.header("Stripe-Signature");
        if (header == null) {
            return Verdict.BAD_SIGNATURE;
        }
        String timestamp = null;
        List<String> parts = List.of(header.split(","));
        for (String part : parts) {
            if (part.strip().startsWith("t=")) {
                timestamp = part.strip().substring(2);
            }
        }
        if (timestamp == null) {
            return Verdict.BAD_SIGNATURE;
        }
        byte[] content = SigningSecrets.concat(timestamp + ".", r.body());
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = SigningSecrets.hmac(SigningSecrets.key(SignatureScheme.STRIPE, secret), content);
            for (String part : parts) {
                match |= SigningSecrets.matchesHex(expected, "v1=", part.strip());
            }
        }
        return timed(match ? Verdict.VERIFIED : Verdict.BAD_SIGNATURE, timestamp, now);
    }

    private static Verdict hex(SignatureScheme scheme, List<String> secrets, byte[] content, String prefix, String given) {
        boolean match = false;
        for (String secret : secrets) {
            match |= SigningSecrets.matchesHex(SigningSecrets.hmac(SigningSecrets.key(scheme, secret), content), prefix, given);
        }
        return match ? Verdict.VERIFIED : Verdict.BAD_SIGNATURE;
    }

    /** A verified signature over a timestamp still fails when the timestamp (Unix seconds) is out of the tolerance. */
    private static Verdict timed(Verdict signature, String timestamp, Instant now) {
        if (signature != Verdict.VERIFIED || timestamp == null) {
            return signature == Verdict.VERIFIED ? Verdict.BAD_SIGNATURE : signature;
        }
        try {
            long seconds = Long.parseLong(timestamp.strip());
            return Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds() ? Verdict.STALE : Verdict.VERIFIED;
        } catch (NumberFormatException notSeconds) {
            return Verdict.BAD_SIGNATURE;
        }
    }

    private static byte[] base64(String encoded) {
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notBase64) {
            return new byte[0];
        }
    }

}
