package dev.griddle.server.knowledge.vector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * This node's copy of every chunk vector, in memory, searched exactly (a full scan of the scopes a
 * search may see: no approximation to tune, and a chunk is findable the moment it is put). The
 * database is the truth: a node {@link #rebuild rebuilds} the index from the chunk table at start
 * and then {@link #apply applies} the changes other nodes announce by {@code NOTIFY}.
 *
 * <p>Vectors are stored scaled to unit length, so the score is the cosine similarity. Each scope
 * has its own {@link ScopePartition}; a search scans only those its {@link ScopeFilter} admits, so
 * tenancy is enforced inside the search rather than by filtering its results (which could return
 * fewer than {@code k} hits, or none, when another tenant's chunks are closer). Searches run in
 * parallel under a read lock; changes take the write lock for the few microseconds they need.
 *
 * <p>Memory: 4 bytes per dimension per chunk plus about 130 bytes of ids and lookup per chunk:
 * 100,000 chunks of 384 dimensions hold about 167 MB ({@link #bytes()} gives the figure).
 */
public final class VectorIndex {

    /** The largest {@code k} a search may ask for. */
    public static final int MAX_K = 1000;
    private static final long LOOKUP_BYTES_PER_CHUNK = 100;

    private final int dimension;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private State state;
    private List<VectorChange> duringRebuild;

    /** What a {@link #rebuild} or {@link #load} took: rows filed, and rows skipped for a dimension other than the index's (another model's). */
    public record LoadResult(int loaded, int skipped) {
    }

    public VectorIndex(int dimension) {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
        }
        this.dimension = dimension;
        this.state = new State(dimension);
    }

    public int dimension() {
        return dimension;
    }

    /** Adds or replaces one chunk. Refuses a vector of another dimension. */
    public void put(VectorRow row) {
        apply(new VectorChange.Put(row));
    }

    public void removeChunk(UUID chunkId) {
        apply(new VectorChange.RemoveChunk(chunkId));
    }

    public void removeDocument(UUID documentId) {
        apply(new VectorChange.RemoveDocument(documentId));
    }

    /** Applies one change; during a {@link #rebuild} it is also kept, and applied again to the rebuilt index before that is swapped in. */
    public void apply(VectorChange change) {
        checkDimension(change);
        lock.writeLock().lock();
        try {
            state.apply(change);
            if (duringRebuild != null) {
                duringRebuild.add(change);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds rows to the index as it is (for a first load into an empty index, or a batch from ingest). */
    public LoadResult load(Iterable<VectorRow> rows) {
        int loaded = 0;
        int skipped = 0;
        for (VectorRow row : rows) {
            if (row.vector().length != dimension) {
                skipped++;
                continue;
            }
            put(row);
            loaded++;
        }
        return new LoadResult(loaded, skipped);
    }

    /**
     * Replaces the whole index by {@code rows} (the chunk table read in one pass), built beside the
     * current one: searches keep answering from the old contents until the new are complete (and keep
     * them if reading fails). Changes applied while it reads are applied to the new contents too. Rows of another dimension are
     * skipped and counted (they await re-embedding).
     */
    public LoadResult rebuild(Iterable<VectorRow> rows) {
        lock.writeLock().lock();
        try {
            if (duringRebuild != null) {
                throw new IllegalStateException("a rebuild is already running");
            }
            duringRebuild = new ArrayList<>();
        } finally {
            lock.writeLock().unlock();
        }
        State fresh = new State(dimension);
        int loaded = 0;
        int skipped = 0;
        boolean complete = false;
        try {
            for (VectorRow row : rows) {
                if (row.vector().length != dimension) {
                    skipped++;
                    continue;
                }
                fresh.apply(new VectorChange.Put(row));
                loaded++;
            }
            complete = true;
        } finally {
            lock.writeLock().lock();
            try {
                List<VectorChange> meanwhile = duringRebuild;
                duringRebuild = null;
                if (complete) {
                    meanwhile.forEach(fresh::apply);
                    state = fresh;
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
        return new LoadResult(loaded, skipped);
    }

    /**
     * The {@code k} chunks closest to {@code query} among those {@code filter} admits, best first;
     * fewer when fewer are admitted. The query need not be unit length.
     */
    public List<VectorHit> search(float[] query, ScopeFilter filter, int k) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("the query vector has " + query.length + " dimensions, the index " + dimension);
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", was " + k);
        }
        float[] unit = VectorMath.normalized(query);
        TopK top = new TopK(k);
        lock.readLock().lock();
        try {
            for (ScopePartition partition : state.partitions(filter)) {
                partition.scan(unit, filter.documentIds(), top);
            }
            return top.hits();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The number of chunks held. */
    public int size() {
        lock.readLock().lock();
        try {
            return state.byChunk.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** An estimate of the heap this index holds: vector blocks, ids and the chunk lookup. */
    public long bytes() {
        lock.readLock().lock();
        try {
            long bytes = (long) state.byChunk.size() * LOOKUP_BYTES_PER_CHUNK;
            for (ScopePartition partition : state.partitions.values()) {
                bytes += partition.bytes();
            }
            return bytes;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkDimension(VectorChange change) {
        switch (change) {
            case VectorChange.Put put -> checkDimension(put.row());
            case VectorChange.ReplaceDocument replace -> replace.rows().forEach(this::checkDimension);
            case VectorChange.RemoveChunk ignored -> { }
            case VectorChange.RemoveDocument ignored -> { }
        }
    }

    private void checkDimension(VectorRow row) {
        if (row.vector().length != dimension) {
            throw new IllegalArgumentException("chunk " + row.chunkId() + " has a vector of " + row.vector().length + " dimensions, the index "
                    + dimension);
        }
    }

    /** The partitions and the chunk lookup: swapped whole by a rebuild. */
    private static final class State {
        private final int dimension;
        private final Map<ScopeKey, ScopePartition> partitions = new HashMap<>();
        private final Map<UUID, Location> byChunk = new HashMap<>();

        State(int dimension) {
            this.dimension = dimension;
        }

        List<ScopePartition> partitions(ScopeFilter filter) {
            List<ScopePartition> out = new ArrayList<>();
            if (!filter.wholeOrg()) {
                for (ScopeKey scope : filter.scopes()) {
                    ScopePartition p = partitions.get(scope);
                    if (p != null) {
                        out.add(p);
                    }
                }
                return out;
            }
            for (ScopePartition p : partitions.values()) {
                if (filter.admits(p.scope)) {
                    out.add(p);
                }
            }
            return out;
        }

        void apply(VectorChange change) {
            switch (change) {
                case VectorChange.Put put -> put(put.row());
                case VectorChange.RemoveChunk remove -> removeChunk(remove.chunkId());
                case VectorChange.RemoveDocument remove -> removeDocument(remove.documentId());
                case VectorChange.ReplaceDocument replace -> {
                    removeDocument(replace.documentId());
                    replace.rows().forEach(this::put);
                }
            }
        }

        private void put(VectorRow row) {
            float[] unit = VectorMath.normalized(row.vector());
            Location at = byChunk.get(row.chunkId());
            if (at != null && at.partition.scope.equals(row.scope())) {
                at.partition.set(at.slot, row.chunkId(), row.documentId(), unit);
                return;
            }
            if (at != null) {
                removeChunk(row.chunkId());
            }
            ScopePartition partition = partitions.computeIfAbsent(row.scope(), s -> new ScopePartition(s, dimension));
            byChunk.put(row.chunkId(), new Location(partition, partition.add(row.chunkId(), row.documentId(), unit)));
        }

        private void removeChunk(UUID chunkId) {
            Location at = byChunk.remove(chunkId);
            if (at != null) {
                removeSlot(at.partition, at.slot);
            }
        }

        private void removeDocument(UUID documentId) {
            for (ScopePartition partition : List.copyOf(partitions.values())) {
                for (int slot = partition.size() - 1; slot >= 0; slot--) {
                    if (partition.ofDocument(slot, documentId)) {
                        byChunk.remove(partition.chunkId(slot));
                        removeSlot(partition, slot);
                    }
                }
            }
        }

        private void removeSlot(ScopePartition partition, int slot) {
            UUID moved = partition.remove(slot);
            if (moved != null) {
                byChunk.get(moved).slot = slot;
            }
            if (partition.size() == 0) {
                partitions.remove(partition.scope);
            }
        }
    }

    private static final class Location {
        final ScopePartition partition;
        int slot;

        Location(ScopePartition partition, int slot) {
            this.partition = partition;
            this.slot = slot;
        }
    }
}
