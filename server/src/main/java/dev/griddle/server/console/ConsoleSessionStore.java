package dev.griddle.server.console;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code console_sessions}: rows are found by the hash of their token, never by the token. */
@Repository
class ConsoleSessionStore {

    /** A live session: its key, and when it ends at the latest. */
    record Row(UUID id, UUID keyId, Instant expiresAt) {
    }

    private final JdbcClient jdbc;

    ConsoleSessionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(UUID id, UUID orgId, UUID keyId, String tokenHash, Instant now, Instant expiresAt) {
        jdbc.sql("""
                insert into console_sessions (id, org_id, key_id, token_hash, created_at, expires_at)
                values (:id, :org, :key, :hash, :now, :expires)
                """)
                .param("id", id).param("org", orgId).param("key", keyId).param("hash", tokenHash)
                .param("now", Timestamp.from(now)).param("expires", Timestamp.from(expiresAt))
                .update();
    }

    /** The session of this token hash while it is neither ended nor expired at {@code now}. */
    Optional<Row> live(String tokenHash, Instant now) {
        return jdbc.sql("select id, key_id, expires_at from console_sessions where token_hash = :hash and ended_at is null and expires_at > :now")
                .param("hash", tokenHash).param("now", Timestamp.from(now))
                .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getObject("key_id", UUID.class), rs.getTimestamp("expires_at").toInstant()))
                .optional();
    }

    void end(String tokenHash, Instant now) {
        jdbc.sql("update console_sessions set ended_at = :now where token_hash = :hash and ended_at is null")
                .param("hash", tokenHash).param("now", Timestamp.from(now)).update();
    }

    /** Deletes sessions that ended or expired before {@code cutoff}; returns how many. */
    int purge(Instant cutoff) {
        return jdbc.sql("delete from console_sessions where expires_at < :cutoff or ended_at < :cutoff")
                .param("cutoff", Timestamp.from(cutoff)).update();
    }
}
