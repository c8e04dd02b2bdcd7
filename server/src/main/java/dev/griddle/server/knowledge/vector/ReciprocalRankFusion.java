package dev.griddle.server.knowledge.vector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hybrid ranking: reciprocal rank fusion (Cormack, Clarke and Buettcher, 2009) of the full-text
 * ranking and the vector ranking. An item scores {@code 1/(k + rank)} in each list it appears in
 * (ranks from 1), summed. Only ranks count, so the two scales (ts_rank_cd, cosine) need no
 * calibration; {@code k} (60 in the paper, and by default here) damps the head so that an item
 * both lists place well beats one that only a single list places first.
 */
public final class ReciprocalRankFusion {

    public static final int DEFAULT_K = 60;

    /** A fused item: its score, and its rank in each list (1-based; 0 when absent from that list). */
    public record Fused<T>(T item, double score, int textRank, int vectorRank) {
    }

    private ReciprocalRankFusion() {
    }

    /** {@link #fuse(List, List, int, int)} with {@link #DEFAULT_K}. */
    public static <T> List<Fused<T>> fuse(List<T> textRanking, List<T> vectorRanking, int limit) {
        return fuse(textRanking, vectorRanking, DEFAULT_K, limit);
    }

    /**
     * The best {@code limit} items of both rankings (each best first; an item repeated in one list
     * counts at its first place), by fused score; ties go to the better single rank, then to the
     * full-text list's order (exact words are the safer bet).
     */
    public static <T> List<Fused<T>> fuse(List<T> textRanking, List<T> vectorRanking, int k, int limit) {
        if (k < 0 || limit < 0) {
            throw new IllegalArgumentException("k and limit must be >= 0, were " + k + " and " + limit);
        }
        Map<T, int[]> ranks = new LinkedHashMap<>();
        for (int i = 0; i < textRanking.size(); i++) {
            ranks.computeIfAbsent(textRanking.get(i), t -> new int[2]);
            int[] r = ranks.get(textRanking.get(i));
            if (r[0] == 0) {
                r[0] = i + 1;
            }
        }
        for (int i = 0; i < vectorRanking.size(); i++) {
            int[] r = ranks.computeIfAbsent(vectorRanking.get(i), t -> new int[2]);
            if (r[1] == 0) {
                r[1] = i + 1;
            }
        }
        List<Fused<T>> fused = new ArrayList<>(ranks.size());
        ranks.forEach((item, r) -> fused.add(new Fused<>(item, contribution(k, r[0]) + contribution(k, r[1]), r[0], r[1])));
        fused.sort(Comparator.<Fused<T>>comparingDouble(f -> -f.score()).thenComparingInt(ReciprocalRankFusion::bestRank));
        return fused.size() > limit ? List.copyOf(fused.subList(0, limit)) : List.copyOf(fused);
    }

    private static double contribution(int k, int rank) {
        return rank == 0 ? 0 : 1.0 / (k + rank);
    }

    private static int bestRank(Fused<?> f) {
        if (f.textRank() == 0) {
            return f.vectorRank();
        }
        return f.vectorRank() == 0 ? f.textRank() : Math.min(f.textRank(), f.vectorRank());
    }
}
