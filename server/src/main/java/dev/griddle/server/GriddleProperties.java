package dev.griddle.server;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code griddle.*} setting, bound from environment variables by relaxed binding
 * ({@code GRIDDLE_DATABASE_URL} -> {@code griddle.database-url}). A bad value stops start-up
 * with the property's name in the message.
 */
@ConfigurationProperties("griddle")
public record GriddleProperties(
        @DefaultValue("./data") Path dataDir,
        String databaseUrl,
        String databaseUsername,
        String databasePassword,
        @DefaultValue("40") int databasePoolSize,
        String bootstrapAdminKey,
        String masterKey,
        @DefaultValue("") String outboundAllow,
        @DefaultValue Http http,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Engine engine,
        @DefaultValue Cache cache) {

    public GriddleProperties {
        if (databasePoolSize < 2) {
            throw new IllegalArgumentException("griddle.database-pool-size must be >= 2, was " + databasePoolSize);
        }
        if (bootstrapAdminKey != null && !bootstrapAdminKey.isBlank()
                && (!bootstrapAdminKey.startsWith("grd_") || bootstrapAdminKey.length() < 24)) {
            throw new IllegalArgumentException(
                    "griddle.bootstrap-admin-key (GRIDDLE_BOOTSTRAP_ADMIN_KEY) must start with 'grd_' and be at least 24 characters");
        }
    }

    public boolean embeddedDatabase() {
        return databaseUrl == null || databaseUrl.isBlank();
    }

    /**
     * In-memory caches of the request and start paths. An authenticated API key is remembered for
     * {@code keyTtl} (at most {@code keys} keys): a key revoked through another node is refused here
     * within that time, one revoked through this node at once; {@code 0s} looks every request's key
     * up. {@code versions}: parsed runner versions (immutable) kept per node; {@code expressions}:
     * compiled CEL programs, by expression text.
     */
    public record Cache(@DefaultValue("2s") Duration keyTtl, @DefaultValue("10000") int keys, @DefaultValue("1000") int versions,
            @DefaultValue("4096") int expressions) {
        public Cache {
            if (keyTtl.isNegative() || keyTtl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("griddle.cache.key-ttl must be 0s..1m, was " + keyTtl);
            }
            if (keys < 1 || versions < 1 || expressions < 1) {
                throw new IllegalArgumentException("griddle.cache.keys, .versions and .expressions must be at least 1");
            }
        }
    }

    /**
     * HTTP limits, how often idle event streams get a keep-alive comment, how often an open event
     * stream's key is checked again (a revoked or expired key's streams are closed), and how many
     * event streams one key may hold open on a node.
     */
    public record Http(@DefaultValue("2MB") DataSize maxBodySize, @DefaultValue("24h") Duration idempotencyTtl,
            @DefaultValue("15s") Duration sseKeepAlive, @DefaultValue("10s") Duration streamKeyCheck,
            @DefaultValue("20") int maxStreamsPerKey) {
        public Http {
            if (maxBodySize.toBytes() < 1024) {
                throw new IllegalArgumentException("griddle.http.max-body-size must be at least 1KB, was " + maxBodySize);
            }
            if (streamKeyCheck.toMillis() < 100) {
                throw new IllegalArgumentException("griddle.http.stream-key-check must be at least 100ms, was " + streamKeyCheck);
            }
            if (maxStreamsPerKey < 1) {
                throw new IllegalArgumentException("griddle.http.max-streams-per-key must be at least 1, was " + maxStreamsPerKey);
            }
        }
    }

    /**
     * Per-API-key token bucket: {@code perSecond} sustained, {@code burst} at once. {@code perSecond = 0}
     * turns rate limiting off.
     */
    public record RateLimit(@DefaultValue("200") int perSecond, @DefaultValue("400") int burst) {
        public RateLimit {
            if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
                throw new IllegalArgumentException("griddle.rate-limit.per-second and .burst must be >= 0 (burst >= 1 when limiting), were "
                        + perSecond + " and " + burst);
            }
        }

        public boolean enabled() {
            return perSecond > 0;
        }
    }

    /**
     * The run engine: executor concurrency per process, task lease length, the largest step output
     * stored, and how long finished runs keep their events and step outputs.
     */
    public record Engine(
            @DefaultValue("32") int concurrency,
            @DefaultValue("30s") Duration taskLease,
            @DefaultValue("1MB") DataSize maxStepOutput,
            @DefaultValue("30d") Duration retention,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10s") Duration drainTimeout) {
        public Engine {
            if (concurrency < 1 || concurrency > 10_000) {
                throw new IllegalArgumentException("griddle.engine.concurrency must be 1..10000, was " + concurrency);
            }
            if (taskLease.toMillis() < 1000) {
                throw new IllegalArgumentException("griddle.engine.task-lease (GRIDDLE_TASK_LEASE) must be at least 1s, was " + taskLease);
            }
            if (maxStepOutput.toBytes() < 1024) {
                throw new IllegalArgumentException("griddle.engine.max-step-output must be at least 1KB, was " + maxStepOutput);
            }
        }
    }
}
