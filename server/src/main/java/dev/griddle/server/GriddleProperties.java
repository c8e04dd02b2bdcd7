package dev.griddle.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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
        @DefaultValue("true") boolean outboundResolverGuard,
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
     * up. {@code expressions}: compiled CEL programs, by expression text. (Parsed runner versions are
     * bounded by weight, {@code griddle.engine.version-cache}.)
     */
    public record Cache(@DefaultValue("2s") Duration keyTtl, @DefaultValue("10000") int keys, @DefaultValue("4096") int expressions) {
        public Cache {
            if (keyTtl.isNegative() || keyTtl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("griddle.cache.key-ttl must be 0s..1m, was " + keyTtl);
            }
            if (keys < 1 || expressions < 1) {
                throw new IllegalArgumentException("griddle.cache.keys and .expressions must be at least 1");
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
     * stored, how long finished runs keep their events and step outputs, and the bounds that keep
     * one tenant from taking a node down (docs/runs.md, "Limits"): child-run depth, attempts of
     * engine-internal tasks, the default wall clock of an executing step, executor slots per
     * organization (with per-organization overrides), live runs per organization (soft: queued;
     * hard: refused), the default {@code max_parallel} of a {@code for_each}, and the weight of
     * the cache of pinned runner versions.
     */
    public record Engine(
            @DefaultValue("32") int concurrency,
            @DefaultValue("30s") Duration taskLease,
            @DefaultValue("1MB") DataSize maxStepOutput,
            @DefaultValue("30d") Duration retention,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10s") Duration drainTimeout,
            @DefaultValue("8") int maxChildDepth,
            @DefaultValue("5") int internalTaskAttempts,
            @DefaultValue("10m") Duration stepTimeout,
            @DefaultValue("0") int orgConcurrency,
            @DefaultValue("1000") int maxLiveRunsPerOrg,
            @DefaultValue("10000") int maxLiveRunsPerOrgHard,
            @DefaultValue("100") int defaultMaxParallel,
            @DefaultValue("64MB") DataSize versionCache,
            Map<String, OrgLimits> orgOverrides) {
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
            if (maxChildDepth < 1 || maxChildDepth > 100) {
                throw new IllegalArgumentException("griddle.engine.max-child-depth must be 1..100, was " + maxChildDepth);
            }
            if (internalTaskAttempts < 1 || internalTaskAttempts > 100) {
                throw new IllegalArgumentException("griddle.engine.internal-task-attempts must be 1..100, was " + internalTaskAttempts);
            }
            if (stepTimeout.toMillis() < 100 || stepTimeout.toDays() > 1) {
                throw new IllegalArgumentException("griddle.engine.step-timeout (GRIDDLE_ENGINE_STEP_TIMEOUT) must be between 100ms and 24h, was "
                        + stepTimeout);
            }
            if (orgConcurrency < 0 || orgConcurrency > concurrency) {
                throw new IllegalArgumentException("griddle.engine.org-concurrency must be 0 (three quarters of concurrency) to concurrency ("
                        + concurrency + "), was " + orgConcurrency);
            }
            if (maxLiveRunsPerOrg < 1 || maxLiveRunsPerOrgHard < maxLiveRunsPerOrg) {
                throw new IllegalArgumentException("griddle.engine.max-live-runs-per-org must be >= 1 and max-live-runs-per-org-hard >= it, were "
                        + maxLiveRunsPerOrg + " and " + maxLiveRunsPerOrgHard);
            }
            if (defaultMaxParallel < 1 || defaultMaxParallel > 1000) {
                throw new IllegalArgumentException("griddle.engine.default-max-parallel must be 1..1000, was " + defaultMaxParallel);
            }
            if (versionCache.toBytes() < 1024 * 1024) {
                throw new IllegalArgumentException("griddle.engine.version-cache must be at least 1MB, was " + versionCache);
            }
            orgOverrides = orgOverrides == null ? Map.of() : Map.copyOf(orgOverrides);
            for (Map.Entry<String, OrgLimits> e : orgOverrides.entrySet()) {
                try {
                    UUID.fromString(e.getKey());
                } catch (IllegalArgumentException notAnId) {
                    throw new IllegalArgumentException("griddle.engine.org-overrides: '" + e.getKey() + "' is not an organization id");
                }
                e.getValue().check("griddle.engine.org-overrides." + e.getKey(), concurrency);
            }
        }

        /** Executor slots of this process one organization may hold at once. */
        public int orgSlots(UUID orgId) {
            OrgLimits o = orgOverrides.get(orgId.toString());
            if (o != null && o.concurrency() != null) {
                return o.concurrency();
            }
            return orgConcurrency > 0 ? orgConcurrency : Math.max(1, concurrency * 3 / 4);
        }

        /** Live runs of an organization beyond which new runs wait, {@code queued}. */
        public int liveRunsSoft(UUID orgId) {
            OrgLimits o = orgOverrides.get(orgId.toString());
            return o != null && o.maxLiveRuns() != null ? o.maxLiveRuns() : maxLiveRunsPerOrg;
        }

        /** Live runs of an organization beyond which new runs are refused. */
        public int liveRunsHard(UUID orgId) {
            OrgLimits o = orgOverrides.get(orgId.toString());
            int hard = o != null && o.maxLiveRunsHard() != null ? o.maxLiveRunsHard() : maxLiveRunsPerOrgHard;
            return Math.max(hard, liveRunsSoft(orgId));
        }
    }

    /** One organization's exceptions to the engine's per-organization limits; a null field keeps the default. */
    public record OrgLimits(Integer concurrency, Integer maxLiveRuns, Integer maxLiveRunsHard) {
        void check(String at, int nodeConcurrency) {
            if (concurrency != null && (concurrency < 1 || concurrency > nodeConcurrency)) {
                throw new IllegalArgumentException(at + ".concurrency must be 1.." + nodeConcurrency + ", was " + concurrency);
            }
            if (maxLiveRuns != null && maxLiveRuns < 1) {
                throw new IllegalArgumentException(at + ".max-live-runs must be >= 1, was " + maxLiveRuns);
            }
            if (maxLiveRunsHard != null && maxLiveRunsHard < (maxLiveRuns == null ? 1 : maxLiveRuns)) {
                throw new IllegalArgumentException(at + ".max-live-runs-hard must be >= max-live-runs, was " + maxLiveRunsHard);
            }
        }
    }
}
