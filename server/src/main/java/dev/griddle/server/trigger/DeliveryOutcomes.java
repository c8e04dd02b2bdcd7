package dev.griddle.server.trigger;

import static dev.griddle.server.store.Sql.ts;

import java.sql.Types;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outcome writes of one delivery table ({@code notification_deliveries} or
 * {@code subscription_deliveries}, which share these columns), each only under the claim's token:
 * false, and nothing written, when the claim is no longer {@code d}'s.
 */
final class DeliveryOutcomes {

    private final JdbcClient jdbc;
    private final String table;

    DeliveryOutcomes(JdbcClient jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
    }

    /** The attempt succeeded. */
    boolean delivered(NotificationStore.Due d, int status, Instant now) {
        return jdbc.sql("""
                update %s set status = 'delivered', attempts = attempts + 1, response_status = :status, last_error = null,
                       delivered_at = :now, next_attempt_at = null, claim_token = null
                where id = :id and claim_token = :token
                """.formatted(table)).param("status", status).param("now", ts(now)).param("id", d.id()).param("token", d.claimToken())
                .update() == 1;
    }

    /** A failed attempt: retried at {@code retryAt}, or marked failed when that is null. */
    boolean attemptFailed(NotificationStore.Due d, Integer status, String error, Instant retryAt) {
        return jdbc.sql("""
                update %s set attempts = attempts + 1, response_status = :status, last_error = :error,
                       status = case when cast(:retry as timestamptz) is null then 'failed' else 'pending' end, next_attempt_at = :retry,
                       claim_token = null
                where id = :id and claim_token = :token
                """.formatted(table)).param("status", status, Types.INTEGER).param("error", error).param("retry", ts(retryAt), Types.TIMESTAMP)
                .param("id", d.id()).param("token", d.claimToken()).update() == 1;
    }

    /** Not attempted (its endpoint's circuit is open): due again at {@code until}, {@code reason} in the log, attempts unchanged. */
    boolean postponed(NotificationStore.Due d, Instant until, String reason) {
        return jdbc.sql("""
                update %s set next_attempt_at = :until, last_error = :reason, claim_token = null
                where id = :id and claim_token = :token
                """.formatted(table)).param("until", ts(until)).param("reason", reason).param("id", d.id()).param("token", d.claimToken())
                .update() == 1;
    }

    /** Hands an unsent claim back (too little lease left, shutting down): due again at once, attempts unchanged. */
    boolean released(NotificationStore.Due d) {
        return jdbc.sql("update %s set next_attempt_at = now(), claim_token = null where id = :id and claim_token = :token".formatted(table))
                .param("id", d.id()).param("token", d.claimToken()).update() == 1;
    }
}
