package dev.griddle.server.knowledge.vector;

import java.util.Arrays;
import java.util.Set;
import java.util.UUID;

/**
 * The vectors of one scope, in contiguous float blocks of {@link #BLOCK_ROWS} rows each (a scan
 * reads memory in order; growing adds a block instead of copying everything), with each row's
 * chunk and document ids as pairs of longs beside them. Rows are dense: removing one moves the last
 * row into its slot. Not thread-safe: {@link VectorIndex} guards it.
 */
final class ScopePartition {

    static final int BLOCK_ROWS = 1024;

    final ScopeKey scope;
    private final int dimension;
    private float[][] blocks = new float[0][];
    private long[] ids = new long[0];
    private int size;

    ScopePartition(ScopeKey scope, int dimension) {
        this.scope = scope;
        this.dimension = dimension;
    }

    int size() {
        return size;
    }

    /** Appends a row (a unit vector of the index's dimension); returns its slot. */
    int add(UUID chunkId, UUID documentId, float[] vector) {
        int slot = size;
        int block = slot / BLOCK_ROWS;
        if (block == blocks.length) {
            blocks = Arrays.copyOf(blocks, block + 1);
            blocks[block] = new float[BLOCK_ROWS * dimension];
        }
        if (ids.length < (slot + 1) * 4) {
            ids = Arrays.copyOf(ids, Math.max(16, ids.length * 2));
        }
        set(slot, chunkId, documentId, vector);
        size++;
        return slot;
    }

    /** Overwrites a row's vector and document in place. */
    void set(int slot, UUID chunkId, UUID documentId, float[] vector) {
        System.arraycopy(vector, 0, blocks[slot / BLOCK_ROWS], (slot % BLOCK_ROWS) * dimension, dimension);
        ids[slot * 4] = chunkId.getMostSignificantBits();
        ids[slot * 4 + 1] = chunkId.getLeastSignificantBits();
        ids[slot * 4 + 2] = documentId.getMostSignificantBits();
        ids[slot * 4 + 3] = documentId.getLeastSignificantBits();
    }

    /**
     * Removes the row at {@code slot} by moving the last row into it; returns the chunk id of the
     * row that moved (now at {@code slot}), or null when the removed row was the last.
     */
    UUID remove(int slot) {
        int last = size - 1;
        UUID moved = null;
        if (slot != last) {
            float[] from = blocks[last / BLOCK_ROWS];
            System.arraycopy(from, (last % BLOCK_ROWS) * dimension, blocks[slot / BLOCK_ROWS], (slot % BLOCK_ROWS) * dimension, dimension);
            System.arraycopy(ids, last * 4, ids, slot * 4, 4);
            moved = chunkId(slot);
        }
        size--;
        int keepBlocks = (size + BLOCK_ROWS - 1) / BLOCK_ROWS;
        if (keepBlocks < blocks.length - 1) {
            blocks = Arrays.copyOf(blocks, keepBlocks + 1);
        }
        return moved;
    }

    UUID chunkId(int slot) {
        return new UUID(ids[slot * 4], ids[slot * 4 + 1]);
    }

    UUID documentId(int slot) {
        return new UUID(ids[slot * 4 + 2], ids[slot * 4 + 3]);
    }

    boolean ofDocument(int slot, UUID documentId) {
        return ids[slot * 4 + 2] == documentId.getMostSignificantBits() && ids[slot * 4 + 3] == documentId.getLeastSignificantBits();
    }

    /** Offers every row (of {@code documents}, when not null) to {@code top}, scored by dot product with the unit {@code query}. */
    void scan(float[] query, Set<UUID> documents, TopK top) {
        for (int b = 0; b * BLOCK_ROWS < size; b++) {
            float[] block = blocks[b];
            int rows = Math.min(BLOCK_ROWS, size - b * BLOCK_ROWS);
            for (int r = 0; r < rows; r++) {
                int slot = b * BLOCK_ROWS + r;
                if (documents != null && !documents.contains(documentId(slot))) {
                    continue;
                }
                float score = VectorMath.dot(query, block, r * dimension);
                if (score > top.threshold()) {
                    top.offer(score, this, slot);
                }
            }
        }
    }

    /** Heap bytes held: the float blocks and the id array (the JVM's array headers aside). */
    long bytes() {
        return (long) blocks.length * BLOCK_ROWS * dimension * Float.BYTES + (long) ids.length * Long.BYTES;
    }
}
