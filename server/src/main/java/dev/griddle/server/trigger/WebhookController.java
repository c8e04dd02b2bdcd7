package dev.griddle.server.trigger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /hooks/{trigger_id}}: signed webhook ingress. No API key; the signature is the credential. */
@RestController
class WebhookController {

    private final WebhookIngress ingress;

    WebhookController(WebhookIngress ingress) {
        this.ingress = ingress;
    }

    @PostMapping("/hooks/{triggerId}")
    @SecurityRequirements
    @Operation(summary = "Deliver a webhook", description = "Signed the way the trigger's signature_scheme says: standard (Standard Webhooks: "
            + "webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body> with the base64 key after whsec_; "
            + "several space-separated signatures accepted), github (X-Hub-Signature-256: sha256=<hex>, X-GitHub-Delivery; a ping event "
            + "answers 200, no run), stripe (Stripe-Signature: t=...,v1=<hex of t.body>; the event id), slack (X-Slack-Signature: v0=<hex "
            + "of v0:timestamp:body>, X-Slack-Request-Timestamp; event_id; url_verification answers 200 {challenge}), hmac-sha256 "
            + "(X-Griddle-Signature: sha256=<hex HMAC-SHA256(signing_secret, raw body)>, optional X-Griddle-Delivery). A signed timestamp "
            + "more than 5 minutes off is 401. A JSON object body is merged over the trigger's input (delivered fields win); any other body "
            + "becomes {body, content_type}. The input is validated against the runner's input_schema (422, no run). The delivery id "
            + "(up to 200 characters) de-duplicates within griddle.triggers.webhook-dedup-window: a repeated id answers 202 with the first "
            + "run and replayed=true. 202 {run_id, delivery_id, replayed}. 401 for a missing or bad signature and equally for an unknown "
            + "or deleted trigger; 409 for a disabled trigger (signed callers only); 413 over the body limit; 429 past the per-trigger "
            + "limits of verified deliveries or of failed verifications.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The sender's payload, verified byte for byte", content = {
            @Content(mediaType = "application/json", schema = @Schema(type = "object", description = "The run's input, over the trigger's input")),
            @Content(mediaType = "application/x-www-form-urlencoded", schema = @Schema(type = "string"))})
    ResponseEntity<Object> deliver(@PathVariable String triggerId, @RequestBody(required = false) byte[] body,
            @RequestHeader HttpHeaders headers, HttpServletRequest servlet) {
        Map<String, String> byName = new HashMap<>();
        headers.forEach((name, values) -> byName.putIfAbsent(name.toLowerCase(Locale.ROOT), values.isEmpty() ? "" : values.getFirst()));
        HookRequest request = new HookRequest(byName, body == null ? new byte[0] : body, headers.getFirst(HttpHeaders.CONTENT_TYPE), null);
        WebhookIngress.Answer answer = ingress.deliver(triggerId, request, DeliveryLogging.Note.of(servlet));
        return ResponseEntity.status(answer.status()).body(answer.body());
    }
}
