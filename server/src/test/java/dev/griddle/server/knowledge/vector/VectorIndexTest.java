package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class VectorIndexTest {

    private static final UUID ORG = UUID.randomUUID();
    private static final UUID OTHER_ORG = UUID.randomUUID();
    private static final ScopeKey RUNNER = ScopeKey.of(ORG, "runner", UUID.randomUUID());
    private static final ScopeKey PROJECT = ScopeKey.of(ORG, "project", UUID.randomUUID());
    private static final ScopeKey FOREIGN = ScopeKey.org(OTHER_ORG);

    private final VectorIndex index = new VectorIndex(3);
    private final Map<UUID, UUID> docOf = new HashMap<>();

    @Test
    void findsTheClosestChunksBestFirstWithCosineScores() {
        UUID doc = UUID.randomUUID();
        VectorRow x = row(doc, RUNNER, 1, 0, 0);
        VectorRow xy = row(doc, RUNNER, 1, 1, 0);
        VectorRow z = row(doc, RUNNER, 0, 0, 5);
        index.load(List.of(x, xy, z));

        List<VectorHit> hits = index.search(new float[] {2, 0, 0}, ScopeFilter.of(ORG, Set.of(RUNNER)), 2);
        assertThat(hits).extracting(VectorHit::chunkId).containsExactly(x.chunkId(), xy.chunkId());
        assertThat(hits.get(0).score()).isEqualTo(1f);
        assertThat(hits.get(1).score()).isCloseTo((float) (1 / Math.sqrt(2)), org.assertj.core.api.Assertions.within(1e-6f));
        assertThat(hits.get(0).documentId()).isEqualTo(doc);
    }

    @Test
    void searchesOnlyTheScopesItMaySeeAndStillFillK() {
        VectorRow foreign = row(UUID.randomUUID(), FOREIGN, 1, 0, 0);
        VectorRow project = row(UUID.randomUUID(), PROJECT, 1, 0.1f, 0);
        VectorRow runnerFar = row(UUID.randomUUID(), RUNNER, 0, 1, 0);
        VectorRow runnerFarther = row(UUID.randomUUID(), RUNNER, 0, 0, 1);
        index.load(List.of(foreign, project, runnerFar, runnerFarther));
        float[] q = {1, 0, 0};

        assertThat(index.search(q, ScopeFilter.of(ORG, Set.of(RUNNER)), 2)).extracting(VectorHit::chunkId)
                .containsExactly(runnerFar.chunkId(), runnerFarther.chunkId());
        assertThat(index.search(q, ScopeFilter.wholeOrg(ORG), 10)).extracting(VectorHit::chunkId)
                .containsExactly(project.chunkId(), runnerFar.chunkId(), runnerFarther.chunkId());
        assertThat(index.search(q, ScopeFilter.wholeOrg(OTHER_ORG), 10)).extracting(VectorHit::chunkId).containsExactly(foreign.chunkId());
        assertThat(index.search(q, ScopeFilter.of(ORG, Set.of(ScopeKey.of(ORG, "agent", UUID.randomUUID()))), 10)).isEmpty();
        assertThatThrownBy(() -> ScopeFilter.of(ORG, Set.of(FOREIGN))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in organization");
    }

    @Test
    void filtersByDocumentInsideTheScan() {
        UUID wanted = UUID.randomUUID();
        VectorRow near = row(UUID.randomUUID(), RUNNER, 1, 0, 0);
        VectorRow far = row(wanted, RUNNER, 0, 1, 0);
        index.load(List.of(near, far));
        ScopeFilter filter = ScopeFilter.of(ORG, Set.of(RUNNER));
        assertThat(index.search(new float[] {1, 0, 0}, filter.onlyDocuments(Set.of(wanted)), 1)).extracting(VectorHit::chunkId)
                .containsExactly(far.chunkId());
        assertThat(index.search(new float[] {1, 0, 0}, filter.onlyDocuments(Set.of()), 5)).isEmpty();
    }

    @Test
    void putReplacesAChunkInPlaceOrMovesItToItsNewScope() {
        UUID doc = UUID.randomUUID();
        VectorRow first = row(doc, RUNNER, 1, 0, 0);
        index.put(first);
        index.put(new VectorRow(first.chunkId(), doc, RUNNER, new float[] {0, 1, 0}));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.search(new float[] {0, 1, 0}, ScopeFilter.of(ORG, Set.of(RUNNER)), 1).get(0).score()).isEqualTo(1f);

        index.put(new VectorRow(first.chunkId(), doc, PROJECT, new float[] {0, 1, 0}));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.search(new float[] {0, 1, 0}, ScopeFilter.of(ORG, Set.of(RUNNER)), 1)).isEmpty();
        assertThat(index.search(new float[] {0, 1, 0}, ScopeFilter.of(ORG, Set.of(PROJECT)), 1)).hasSize(1);
    }

    @Test
    void removesByChunkByDocumentAndReplacesADocumentWhole() {
        UUID docA = UUID.randomUUID();
        UUID docB = UUID.randomUUID();
        List<VectorRow> a = List.of(row(docA, RUNNER, 1, 0, 0), row(docA, RUNNER, 1, 1, 0), row(docA, PROJECT, 1, 0, 1));
        VectorRow b = row(docB, RUNNER, 0, 1, 1);
        index.load(List.of(a.get(0), b, a.get(1), a.get(2)));

        index.removeChunk(b.chunkId());
        index.removeChunk(b.chunkId());
        assertThat(index.size()).isEqualTo(3);
        index.removeDocument(docA);
        assertThat(index.size()).isZero();
        assertThat(index.search(new float[] {1, 0, 0}, ScopeFilter.wholeOrg(ORG), 5)).isEmpty();

        index.load(a);
        VectorRow replacement = row(docA, RUNNER, 0, 0, 1);
        index.apply(new VectorChange.ReplaceDocument(docA, List.of(replacement)));
        assertThat(index.search(new float[] {1, 0, 0}, ScopeFilter.wholeOrg(ORG), 5)).extracting(VectorHit::chunkId)
                .containsExactly(replacement.chunkId());
        index.apply(new VectorChange.ReplaceDocument(docA, List.of()));
        assertThat(index.size()).isZero();
        assertThatThrownBy(() -> new VectorChange.ReplaceDocument(docA, List.of(b))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void staysExactAcrossBlocksAfterManyRemovals() {
        VectorIndex big = new VectorIndex(16);
        Random random = new Random(7);
        Map<UUID, float[]> alive = new HashMap<>();
        List<UUID> docs = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            docs.add(UUID.randomUUID());
        }
        for (int i = 0; i < 3000; i++) {
            float[] v = randomVector(random, 16);
            UUID chunk = UUID.randomUUID();
            UUID doc = docs.get(i % docs.size());
            big.put(new VectorRow(chunk, doc, RUNNER, v));
            alive.put(chunk, v);
            docOf.put(chunk, doc);
        }
        for (int d = 0; d < 10; d++) {
            UUID doc = docs.get(d * 3);
            big.removeDocument(doc);
            alive.keySet().removeIf(c -> docOf.get(c).equals(doc));
        }
        List<UUID> some = new ArrayList<>(alive.keySet()).subList(0, 300);
        for (UUID chunk : List.copyOf(some)) {
            big.removeChunk(chunk);
            alive.remove(chunk);
        }
        assertThat(big.size()).isEqualTo(alive.size());
        for (int q = 0; q < 20; q++) {
            float[] query = randomVector(random, 16);
            List<UUID> expected = alive.entrySet().stream()
                    .sorted(Comparator.comparingDouble((Map.Entry<UUID, float[]> e) -> -cosine(query, e.getValue())))
                    .limit(10).map(Map.Entry::getKey).toList();
            assertThat(big.search(query, ScopeFilter.of(ORG, Set.of(RUNNER)), 10)).extracting(VectorHit::chunkId).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void rebuildSwapsInTheNewContentsWithTheChangesAppliedMeanwhile() {
        VectorRow old = row(UUID.randomUUID(), RUNNER, 1, 0, 0);
        index.put(old);
        VectorRow loaded = row(UUID.randomUUID(), RUNNER, 0, 1, 0);
        VectorRow meanwhile = row(UUID.randomUUID(), RUNNER, 0, 0, 1);
        VectorRow stale = new VectorRow(UUID.randomUUID(), UUID.randomUUID(), RUNNER, new float[] {1, 2, 3, 4});
        Iterable<VectorRow> rows = () -> new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < 2;
            }

            @Override
            public VectorRow next() {
                if (i++ == 0) {
                    index.put(meanwhile);
                    assertThat(index.search(new float[] {1, 0, 0}, ScopeFilter.wholeOrg(ORG), 1).get(0).chunkId())
                            .as("searches answer from the old contents during a rebuild").isEqualTo(old.chunkId());
                    return loaded;
                }
                return stale;
            }
        };

        VectorIndex.LoadResult result = index.rebuild(rows);
        assertThat(result).isEqualTo(new VectorIndex.LoadResult(1, 1));
        assertThat(index.search(new float[] {1, 1, 1}, ScopeFilter.wholeOrg(ORG), 10)).extracting(VectorHit::chunkId)
                .containsExactlyInAnyOrder(loaded.chunkId(), meanwhile.chunkId());
    }

    @Test
    void aFailedRebuildKeepsTheOldContents() {
        VectorRow old = row(UUID.randomUUID(), RUNNER, 1, 0, 0);
        index.put(old);
        Iterable<VectorRow> broken = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public VectorRow next() {
                throw new IllegalStateException("connection lost");
            }
        };
        assertThatThrownBy(() -> index.rebuild(broken)).hasMessage("connection lost");
        assertThat(index.size()).isEqualTo(1);
        index.rebuild(List.of());
        assertThat(index.size()).isZero();
    }

    @Test
    void refusesVectorsOfAnotherDimensionAndBadQueries() {
        assertThatThrownBy(() -> index.put(new VectorRow(UUID.randomUUID(), UUID.randomUUID(), RUNNER, new float[4])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 dimensions, the index 3");
        assertThat(index.load(List.of(new VectorRow(UUID.randomUUID(), UUID.randomUUID(), RUNNER, new float[4]))))
                .isEqualTo(new VectorIndex.LoadResult(0, 1));
        assertThatThrownBy(() -> index.search(new float[2], ScopeFilter.wholeOrg(ORG), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search(new float[3], ScopeFilter.wholeOrg(ORG), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search(new float[3], ScopeFilter.wholeOrg(ORG), VectorIndex.MAX_K + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.put(new VectorRow(UUID.randomUUID(), UUID.randomUUID(), RUNNER, new float[] {Float.NaN, 0, 0})))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScopeKey.of(ORG, "team", UUID.randomUUID())).hasMessageContaining("scope_type");
        assertThatThrownBy(() -> ScopeKey.of(ORG, "org", UUID.randomUUID())).hasMessageContaining("scope_id");
    }

    @Test
    void reportsItsMemory() {
        VectorIndex big = new VectorIndex(384);
        Random random = new Random(1);
        for (int i = 0; i < 2048; i++) {
            big.put(new VectorRow(UUID.randomUUID(), UUID.randomUUID(), RUNNER, randomVector(random, 384)));
        }
        // two full blocks of floats, the ids and the lookup
        assertThat(big.bytes()).isBetween(2048L * 384 * 4, 2048L * (384 * 4 + 200));
    }

    private static VectorRow row(UUID doc, ScopeKey scope, float... v) {
        return new VectorRow(UUID.randomUUID(), doc, scope, v);
    }

    private static float[] randomVector(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
