package dev.griddle.server.web;

import dev.griddle.server.GriddleProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/** Idempotency keys and their stored first responses, per organization, kept for the TTL. */
@Repository
class IdempotencyStore {

    sealed interface Claim {
        record Owned() implements Claim {
        }

        record Replay(StoredResponse response) implements Claim {
        }

        record Mismatch() implements Claim {
        }

        record InProgress() implements Claim {
        }
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final java.time.Duration ttl;

    IdempotencyStore(JdbcClient jdbc, Clock clock, GriddleProperties props) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.ttl = props.http().idempotencyTtl();
    }

    static String fingerprint(String method, String path, String query, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((method + ' ' + path + '?' + (query == null ? "" : query) + '\n').getBytes(StandardCharsets.UTF_8));
            sha.update(body);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Claim claim(UUID orgId, String key, String fingerprint) {
        Instant now = clock.instant();
        jdbc.sql("delete from idempotency_keys where org_id = :org and idem_key = :key and created_at < :cutoff")
                .param("org", orgId).param("key", key).param("cutoff", java.sql.Timestamp.from(now.minus(ttl))).update();
        int inserted = jdbc.sql("""
                insert into idempotency_keys (org_id, idem_key, fingerprint, created_at)
                values (:org, :key, :fp, :now) on conflict do nothing
                """).param("org", orgId).param("key", key).param("fp", fingerprint).param("now", java.sql.Timestamp.from(now)).update();
        if (inserted == 1) {
            return new Claim.Owned();
        }
        Optional<Claim> existing = jdbc.sql("""
                select fingerprint, status, content_type, location, body from idempotency_keys
                where org_id = :org and idem_key = :key
                """).param("org", orgId).param("key", key).query((rs, n) -> {
                    if (!rs.getString("fingerprint").equals(fingerprint)) {
                        return (Claim) new Claim.Mismatch();
                    }
                    int status = rs.getInt("status");
                    if (rs.wasNull()) {
                        return new Claim.InProgress();
                    }
                    return new Claim.Replay(new StoredResponse(status, rs.getString("content_type"), rs.getString("location"), rs.getBytes("body")));
                }).optional();
        // The row vanished between insert and select (released by a failed first request): try once more.
        return existing.orElseGet(() -> claim(orgId, key, fingerprint));
    }

    void complete(UUID orgId, String key, StoredResponse response) {
        jdbc.sql("""
                update idempotency_keys set status = :status, content_type = :ct, location = :loc, body = :body
                where org_id = :org and idem_key = :key
                """).param("status", response.status()).param("ct", response.contentType()).param("loc", response.location())
                .param("body", response.body()).param("org", orgId).param("key", key).update();
    }

    void release(UUID orgId, String key) {
        jdbc.sql("delete from idempotency_keys where org_id = :org and idem_key = :key and status is null")
                .param("org", orgId).param("key", key).update();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void prune() {
        jdbc.sql("delete from idempotency_keys where created_at < :cutoff")
                .param("cutoff", java.sql.Timestamp.from(clock.instant().minus(ttl))).update();
    }
}
