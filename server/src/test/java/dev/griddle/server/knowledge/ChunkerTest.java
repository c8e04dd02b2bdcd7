package dev.griddle.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Structure first, then size, with overlap: plain logic, no Spring. */
class ChunkerTest {

    @Test
    void headingsStartChunksAndFormTheirPath() {
        List<Chunk> chunks = new Chunker(500, 50).chunk(PlainTextBlocks.of("""
                # Manual

                Intro paragraph.

                ## Install

                Step one.

                Step two.

                ### Linux

                Use the package.

                ## Remove

                Delete it.
                """, true));
        assertThat(chunks).extracting(Chunk::headingPath).containsExactly(List.of("Manual"), List.of("Manual", "Install"),
                List.of("Manual", "Install", "Linux"), List.of("Manual", "Remove"));
        assertThat(chunks.get(1).text()).isEqualTo("Step one.\n\nStep two.");
        assertThat(chunks).extracting(Chunk::position).containsExactly(0, 1, 2, 3);
    }

    @Test
    void longSectionsAreCutAtSentencesWithOverlap() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append("Sentence number ").append(i).append(" says something. ");
        }
        List<Chunk> chunks = new Chunker(300, 60).chunk(List.of(Block.heading(1, "Long"), Block.paragraph(text.toString())));
        assertThat(chunks.size()).isGreaterThan(5);
        for (Chunk c : chunks) {
            assertThat(c.text().length()).isLessThanOrEqualTo(300 + 60 + 1);
            assertThat(c.headingPath()).containsExactly("Long");
        }
        for (int i = 1; i < chunks.size(); i++) {
            String previous = chunks.get(i - 1).text();
            String firstWords = chunks.get(i).text().substring(0, 20);
            assertThat(previous).as("chunk %d starts with the end of chunk %d", i, i - 1).contains(firstWords);
        }
        assertThat(chunks.getFirst().text()).endsWith("something.");
    }

    @Test
    void paragraphsArePackedUpToTheSize() {
        List<Block> blocks = List.of(Block.paragraph("a".repeat(150)), Block.paragraph("b".repeat(150)), Block.paragraph("c".repeat(150)));
        List<Chunk> chunks = new Chunker(320, 0).chunk(blocks);
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).text()).isEqualTo("a".repeat(150) + "\n\n" + "b".repeat(150));
        assertThat(chunks.get(1).text()).isEqualTo("c".repeat(150));
        assertThat(chunks.get(0).headingPath()).isEmpty();
    }

    @Test
    void plainTextKeepsHashLinesAsText() {
        assertThat(PlainTextBlocks.of("# not a heading\n\nbody", false)).extracting(Block::isHeading).containsExactly(false, false);
        assertThat(PlainTextBlocks.of("Title\n=====\n\nbody", true)).first().isEqualTo(Block.heading(1, "Title"));
    }

    @Test
    void csvRowsNameTheirCells() {
        assertThat(CsvBlocks.of("name,note\nwidget,\"cheap, \"\"good\"\"\"\r\n\ngadget,\n", ',')).containsExactly(
                Block.paragraph("name: widget | note: cheap, \"good\""), Block.paragraph("name: gadget"));
    }
}
