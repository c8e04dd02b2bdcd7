package dev.griddle.server.trigger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import org.springframework.http.HttpStatus;
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
    @Operation(summary = "Deliver a webhook", description = "Header X-Griddle-Signature: sha256=<hex HMAC-SHA256(signing_secret, raw body)>. "
            + "A JSON object body is merged over the trigger's input (delivered fields win); any other body becomes {body, content_type}. "
            + "The input is validated against the runner's input_schema (422, no run). X-Griddle-Delivery (optional, up to 200 characters) "
            + "de-duplicates: a repeated id answers 202 with the first run and replayed=true. 202 {run_id, delivery_id, replayed}. "
            + "401 for a missing or bad signature and equally for an unknown or deleted trigger; 409 for a disabled trigger (signed "
            + "callers only); 413 over the body limit.")
    ResponseEntity<WebhookIngress.Accepted> deliver(@PathVariable String triggerId, @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "X-Griddle-Signature", required = false) String signature,
            @RequestHeader(name = "X-Griddle-Delivery", required = false) String deliveryId,
            @RequestHeader(name = "Content-Type", required = false) String contentType) {
        WebhookIngress.Accepted accepted = ingress.deliver(triggerId, body == null ? new byte[0] : body, signature, deliveryId, contentType);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(accepted);
    }
}
