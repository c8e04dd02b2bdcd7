package dev.griddle.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The file name kept for an upload: the client's last path segment, never a path. */
class FileNameTest {

    @Test
    void aClientsFileNameIsCutToItsLastSegment() {
        assertThat(KnowledgeController.baseName("C:\\docs\\a.pdf")).isEqualTo("a.pdf");
        assertThat(KnowledgeController.baseName("/x/y/b.md")).isEqualTo("b.md");
        assertThat(KnowledgeController.baseName("/")).isNull();
        assertThat(KnowledgeController.baseName("")).isNull();
        assertThat(KnowledgeController.baseName(null)).isNull();
    }
}
