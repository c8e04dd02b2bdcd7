package dev.griddle.server.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler whose successful response shows a secret once (a new API key, an organization's
 * admin key, a signing secret). Such a response is never stored for an {@code Idempotency-Key}
 * replay: only a marker is kept, and a replay is {@code 409 IDEMPOTENCY_REPLAY_UNAVAILABLE}. Every
 * handler that returns a secret must carry it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RevealsSecret {
}
