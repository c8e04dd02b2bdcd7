package dev.griddle.server.trigger;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How an inbound webhook's sender signs a delivery, and which id de-duplicates it. The wire names
 * are those of the API's {@code signature_scheme}. {@link #HMAC_SHA256} is the original scheme:
 * the body alone is signed, so a captured delivery is replayable once its id leaves the
 * de-duplication window; the others sign a timestamp too.
 */
enum SignatureScheme {

    /** Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64>}. */
    STANDARD("standard"),
    /** GitHub: {@code X-Hub-Signature-256: sha256=<hex>} over the body; {@code X-GitHub-Delivery}. */
    GITHUB("github"),
    /** Stripe: {@code Stripe-Signature: t=...,v1=<hex>} over {@code t.body}; the event's {@code id}. */
    STRIPE("stripe"),
    /** Slack: {@code X-Slack-Signature: v0=<hex>} over {@code v0:timestamp:body}; the body's {@code event_id}. */
    SLACK("slack"),
    /** Griddle's original: {@code X-Griddle-Signature: sha256=<hex>} over the body; {@code X-Griddle-Delivery}. */
    HMAC_SHA256("hmac-sha256");

    static final SignatureScheme DEFAULT = STANDARD;

    private final String wire;

    SignatureScheme(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }

    /** Senders that generate the secret themselves: the trigger cannot make one up for them. */
    boolean senderGeneratesSecret() {
        return this == STRIPE || this == SLACK;
    }

    static Optional<SignatureScheme> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }

    static String names() {
        return Arrays.stream(values()).map(SignatureScheme::wire).collect(Collectors.joining(", "));
    }
}
