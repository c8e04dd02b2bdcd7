package dev.griddle.server.knowledge.vector;

import java.util.ArrayList;
import java.util.List;

/** The best {@code k} (score, partition, slot) seen so far: a min-heap on plain arrays, so a scan allocates nothing per row. */
final class TopK {

    private final float[] scores;
    private final ScopePartition[] partitions;
    private final int[] slots;
    private int size;

    TopK(int k) {
        scores = new float[k];
        partitions = new ScopePartition[k];
        slots = new int[k];
    }

    /** The score a row must beat to enter (minus infinity until full). */
    float threshold() {
        return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(float score, ScopePartition partition, int slot) {
        if (size < scores.length) {
            int i = size++;
            place(i, score, partition, slot);
            while (i > 0 && scores[(i - 1) / 2] > scores[i]) {
                swap(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
            return;
        }
        if (score <= scores[0]) {
            return;
        }
        place(0, score, partition, slot);
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int smallest = i;
            if (l < size && scores[l] < scores[smallest]) {
                smallest = l;
            }
            if (r < size && scores[r] < scores[smallest]) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    /** The hits, best first. */
    List<VectorHit> hits() {
        List<VectorHit> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new VectorHit(partitions[i].chunkId(slots[i]), partitions[i].documentId(slots[i]), scores[i]));
        }
        out.sort((a, b) -> Float.compare(b.score(), a.score()));
        return out;
    }

    private void place(int i, float score, ScopePartition partition, int slot) {
        scores[i] = score;
        partitions[i] = partition;
        slots[i] = slot;
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        ScopePartition p = partitions[a];
        partitions[a] = partitions[b];
        partitions[b] = p;
        int t = slots[a];
        slots[a] = slots[b];
        slots[b] = t;
    }
}
