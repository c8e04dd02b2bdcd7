package dev.griddle.server.web;

import dev.griddle.server.GriddleProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Idempotency keys and their stored first responses, per API key (so another key of the same
 * organization never gets this key's response), kept for the TTL. A response that revealed a
 * secret is stored as a marker only ({@code withheld}): its status and {@code Location}, no body.
 */
@Repository
class IdempotencyStore {

    /** Whose key: the organization and the API key that sent the request. */
    record Owner(java.util.UUID orgId, java.util.UUID keyId, String key) {
        static Owner of(Caller caller, String key) {
            return new Owner(caller.orgId(), caller.keyId(), key);
        }
    }

    sealed interface Claim {
        record Owned() implements Claim {
        }

        record Replay(StoredResponse response) implements Claim {
        }

        /** The first response revealed a secret and was not kept. */
        record Withheld(int status, String location) implements Claim {
        }

        record Mismatch() implements Claim {
        }

        record InProgress() implements Claim {
        }
    }

    private static final String WHERE = "org_id = :org and key_id = :keyId and idem_key = :key";

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

    Claim claim(Owner owner, String fingerprint) {
        Instant now = clock.instant();
        bind(jdbc.sql("delete from idempotency_keys where " + WHERE + " and created_at < :cutoff"), owner)
                .param("cutoff", Timestamp.from(now.minus(ttl))).update();
        int inserted = bind(jdbc.sql("""
                insert into idempotency_keys (org_id, key_id, idem_key, fingerprint, created_at)
                values (:org, :keyId, :key, :fp, :now) on conflict do nothing
                """), owner).param("fp", fingerprint).param("now", Timestamp.from(now)).update();
        if (inserted == 1) {
            return new Claim.Owned();
        }
        Optional<Claim> existing = bind(jdbc.sql("select fingerprint, status, withheld, content_type, location, body from idempotency_keys where "
                + WHERE), owner).query((rs, n) -> {
                    if (!rs.getString("fingerprint").equals(fingerprint)) {
                        return (Claim) new Claim.Mismatch();
                    }
                    int status = rs.getInt("status");
                    if (rs.wasNull()) {
                        return new Claim.InProgress();
                    }
                    if (rs.getBoolean("withheld")) {
                        return new Claim.Withheld(status, rs.getString("location"));
                    }
                    return new Claim.Replay(new StoredResponse(status, rs.getString("content_type"), rs.getString("location"), rs.getBytes("body")));
                }).optional();
        // The row vanished between insert and select (released by a failed first request): try once more.
        return existing.orElseGet(() -> claim(owner, fingerprint));
    }

    void complete(Owner owner, StoredResponse response) {
        bind(jdbc.sql("update idempotency_keys set status = :status, content_type = :ct, location = :loc, body = :body where " + WHERE), owner)
                .param("status", response.status()).param("ct", response.contentType()).param("loc", response.location())
                .param("body", response.body()).update();
    }

    /** Keeps that the request was processed, without its response (it revealed a secret). */
    void withhold(Owner owner, int status, String location) {
        bind(jdbc.sql("update idempotency_keys set status = :status, withheld = true, location = :loc where " + WHERE), owner)
                .param("status", status).param("loc", location).update();
    }

    void release(Owner owner) {
        bind(jdbc.sql("delete from idempotency_keys where " + WHERE + " and status is null"), owner).update();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void prune() {
        jdbc.sql("delete from idempotency_keys where created_at < :cutoff")
                .param("cutoff", Timestamp.from(clock.instant().minus(ttl))).update();
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec sql, Owner owner) {
        return sql.param("org", owner.orgId()).param("keyId", owner.keyId()).param("key", owner.key());
    }
}
