package dev.griddle.server.knowledge.vector;

/** The arithmetic the index and the embedders share: the dot product of the scan, and scaling to unit length. */
final class VectorMath {

    private VectorMath() {
    }

    /**
     * {@code a . b[offset .. offset + a.length)}. Four independent sums let the CPU overlap the
     * multiply-adds (a single sum waits on each addition in turn); this is the inner loop of every search.
     */
    static float dot(float[] a, float[] b, int offset) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[offset + i];
            s1 += a[i + 1] * b[offset + i + 1];
            s2 += a[i + 2] * b[offset + i + 2];
            s3 += a[i + 3] * b[offset + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[offset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A unit-length copy of {@code v}; a zero vector stays zero (it matches nothing). Refuses NaN and infinities. */
    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("a vector must hold finite numbers, found " + x);
            }
            sum += (double) x * x;
        }
        float[] out = new float[v.length];
        if (sum == 0) {
            return out;
        }
        float scale = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}
