package dev.griddle.server.trace;

import java.util.Map;
import java.util.SortedMap;

/**
 * Run durations as logarithmic buckets of ratio 1.1: bucket 0 is 0 ms, bucket b > 0 holds
 * (1.1^(b-1), 1.1^b] ms. Counts per bucket add up across hours, so percentiles can be read from
 * rollups; a percentile is reported as its bucket's geometric middle, within 5% of the truth.
 */
final class DurationBuckets {

    private static final double LOG_RATIO = Math.log(1.1);

    private DurationBuckets() {
    }

    static int bucket(long ms) {
        if (ms <= 0) {
            return 0;
        }
        return (int) Math.min(Short.MAX_VALUE, Math.max(1, Math.ceil(Math.log(ms) / LOG_RATIO)));
    }

    static long value(int bucket) {
        return bucket == 0 ? 0 : Math.round(Math.pow(1.1, bucket - 0.5));
    }

    /** The q-quantile (0..1) of the counted durations, or null when there are none. */
    static Long quantile(SortedMap<Integer, Long> counts, double q) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return value(e.getKey());
            }
        }
        return value(counts.lastKey());
    }
}
