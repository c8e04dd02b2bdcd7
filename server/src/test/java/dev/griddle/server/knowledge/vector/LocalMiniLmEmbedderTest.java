package dev.griddle.server.knowledge.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shipped model, run for real: lazy, unit vectors, order kept across length-sorted batches, meaning over wording. */
class LocalMiniLmEmbedderTest {

    private static LocalMiniLmEmbedder embedder;

    @BeforeAll
    static void create() {
        embedder = new LocalMiniLmEmbedder(1, 2, 256);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void loadsOnFirstUseAndGivesUnitVectorsOfItsDimension() {
        LocalMiniLmEmbedder fresh = new LocalMiniLmEmbedder(1, 8, 256);
        try {
            assertThat(fresh.loaded()).isFalse();
            assertThat(fresh.embed(List.of())).isEmpty();
            assertThat(fresh.loaded()).as("an empty call needs no model").isFalse();
            float[] v = fresh.embed("The pump stops when the water tank is empty.");
            assertThat(fresh.loaded()).isTrue();
            assertThat(v).hasSize(384);
            assertThat(fresh.dimension()).isEqualTo(384);
            assertThat(fresh.modelId()).isEqualTo("local/all-minilm-l6-v2@384");
            assertThat(VectorMath.dot(v, v, 0)).isCloseTo(1f, within(1e-4f));
        } finally {
            fresh.close();
        }
    }

    @Test
    void keepsTheOrderOfTheTextsWhateverTheirLengthAndBatch() {
        List<String> texts = List.of(
                "A much longer sentence about refund policies for annual subscriptions that were cancelled within thirty days.",
                "Short one.",
                "Medium length text about passwords.",
                "",
                "Another fairly long sentence describing how the device blinks red when the battery runs low at night.");
        float[][] together = embedder.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = embedder.embed(texts.get(i));
            assertThat(VectorMath.dot(alone, together[i], 0)).as("text %d embedded alone and in a padded batch", i).isGreaterThan(0.9999f);
        }
    }

    @Test
    void placesParaphrasesCloserThanUnrelatedTexts() {
        float[][] v = embedder.embed(List.of(
                "How do I get my money back after cancelling?",
                "Refunds are paid to the original card within 14 days of a cancellation.",
                "The espresso machine must be descaled every two months.",
                "Longer texts than the limit are cut, not refused. ".repeat(120)));
        float refund = VectorMath.dot(v[0], v[1], 0);
        float coffee = VectorMath.dot(v[0], v[2], 0);
        assertThat(refund).isGreaterThan(coffee + 0.2f);
        assertThat(v[3]).hasSize(384);
    }
}
