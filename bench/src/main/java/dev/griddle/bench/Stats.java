package dev.griddle.bench;

import java.util.Arrays;

/** Recorded samples (milliseconds) and their nearest-rank percentiles. Not thread-safe: merge per-thread copies or synchronize. */
final class Stats {

    private double[] samples = new double[64];
    private int size;

    void add(double ms) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = ms;
    }

    int count() {
        return size;
    }

    /** Nearest-rank percentile, {@code p} in 0..100; NaN when empty. */
    double percentile(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }

    double mean() {
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += samples[i];
        }
        return size == 0 ? Double.NaN : sum / size;
    }

    double max() {
        return percentile(100);
    }
}
