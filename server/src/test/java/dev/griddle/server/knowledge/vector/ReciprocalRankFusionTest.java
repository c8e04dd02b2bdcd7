package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    @Test
    void anItemBothListsPlaceWellBeatsOneThatOnlyOneListPlacesFirst() {
        var fused = ReciprocalRankFusion.fuse(List.of("a", "b", "c"), List.of("d", "b", "e"), 10);
        assertThat(fused).extracting(ReciprocalRankFusion.Fused::item).containsExactly("b", "a", "d", "c", "e");
        var b = fused.get(0);
        assertThat(b.score()).isCloseTo(2.0 / 62, within(1e-12));
        assertThat(b.textRank()).isEqualTo(2);
        assertThat(b.vectorRank()).isEqualTo(2);
        var d = fused.get(2);
        assertThat(d.textRank()).isZero();
        assertThat(d.vectorRank()).isEqualTo(1);
    }

    @Test
    void tiesGoToTheBetterSingleRankThenToFullText() {
        var fused = ReciprocalRankFusion.fuse(List.of("t1", "t2"), List.of("v1", "v2"), 60, 10);
        assertThat(fused).extracting(ReciprocalRankFusion.Fused::item).containsExactly("t1", "v1", "t2", "v2");
    }

    @Test
    void countsAnItemRepeatedInOneListAtItsFirstPlaceAndCutsAtTheLimit() {
        var fused = ReciprocalRankFusion.fuse(List.of("x", "y", "x"), List.of(), 60, 1);
        assertThat(fused).hasSize(1);
        assertThat(fused.get(0).item()).isEqualTo("x");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 61, within(1e-12));
        assertThat(ReciprocalRankFusion.fuse(List.of(), List.<String>of(), 5)).isEmpty();
    }

    @Test
    void aSmallerKFavoursTheHeadOfEitherList() {
        // with k=0, first place in one list (1/1) outweighs second place in both (1/2 + 1/2 = 1, tie broken by rank)
        var fused = ReciprocalRankFusion.fuse(List.of("solo", "both"), List.of("other", "both"), 0, 2);
        assertThat(fused.get(0).item()).isEqualTo("solo");
    }
}
