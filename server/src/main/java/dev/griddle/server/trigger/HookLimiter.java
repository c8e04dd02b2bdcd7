package dev.griddle.server.trigger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Rate limits of {@code /hooks}, per webhook trigger and per node: verified deliveries take from
 * one bucket ({@code webhook-per-second}, {@code webhook-burst}), failed verifications from
 * another ({@code webhook-failures-per-minute}). A flood of unsigned or forged requests drains
 * only the second, so the real sender keeps getting through. Failures are counted per trigger id
 * as sent (an id that is not a UUID counts under {@link #UNKNOWN}); the tables are bounded, and
 * an evicted bucket comes back full, as it would after its refill.
 */
@Component
class HookLimiter {

    /** The failure bucket of every id that is not a UUID. */
    static final UUID UNKNOWN = new UUID(0, 0);
    private static final int MAX_TRIGGERS = 100_000;

    private final Cache<UUID, Bucket> verified = buckets();
    private final Cache<UUID, Bucket> failed = buckets();
    private final Supplier<Bucket> verifiedBucket;
    private final Supplier<Bucket> failedBucket;

    HookLimiter(TriggerProperties props) {
        verifiedBucket = () -> bucket(props.webhookBurst(), props.webhookPerSecond(), Duration.ofSeconds(1));
        failedBucket = () -> bucket(props.webhookFailuresPerMinute(), props.webhookFailuresPerMinute(), Duration.ofMinutes(1));
    }

    /** Takes one verified delivery of this trigger: 0 when allowed, else the seconds to wait. */
    long verified(UUID triggerId) {
        return take(verified, verifiedBucket, triggerId);
    }

    /** Takes one failed verification against this trigger (or {@link #UNKNOWN}): 0 when allowed, else the seconds to wait. */
    long failed(UUID triggerId) {
        return take(failed, failedBucket, triggerId);
    }

    private static long take(Cache<UUID, Bucket> buckets, Supplier<Bucket> fresh, UUID triggerId) {
        ConsumptionProbe probe = buckets.get(triggerId, id -> fresh.get()).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    private static Bucket bucket(int capacity, int refill, Duration per) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(refill, per).build()).build();
    }

    private static Cache<UUID, Bucket> buckets() {
        return Caffeine.newBuilder().maximumSize(MAX_TRIGGERS).expireAfterAccess(Duration.ofHours(1)).build();
    }
}
