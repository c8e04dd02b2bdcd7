package dev.griddle.server.tool.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's stdio settings on their own: pinned command lines, and what start-up refuses, naming the setting. */
class McpStdioSettingsTest {

    private static McpProperties stdio(Path workDir, String... commands) {
        return new McpProperties(Duration.ofSeconds(30), Duration.ofMinutes(5), true, List.of(commands), workDir);
    }

    @Test
    void aPinnedCommandLineAllowsExactlyItsArguments() {
        McpProperties p = stdio(null, "/opt/mcp/files-server --root /srv/shared", "/opt/mcp/git {/srv/repos/[a-z0-9-]+}", "/opt/mcp/bare",
                "/opt/mcp/flags --base {--[a-z]+}*");
        assertThat(p.stdioAllows("/opt/mcp/files-server", List.of("--root", "/srv/shared"))).isTrue();
        assertThat(p.stdioAllows("/opt/mcp/files-server", List.of("--root", "/"))).isFalse();
        assertThat(p.stdioAllows("/opt/mcp/files-server", List.of("--root", "/srv/shared", "--root", "/"))).isFalse();
        assertThat(p.stdioAllows("/opt/mcp/files-server", List.of())).isFalse();
        assertThat(p.stdioAllows("/opt/mcp/git", List.of("/srv/repos/app-1"))).isTrue();
        assertThat(p.stdioAllows("/opt/mcp/git", List.of("/srv/repos/../../etc"))).isFalse();
        assertThat(p.stdioAllows("/opt/mcp/bare", List.of())).isTrue();
        assertThat(p.stdioAllows("/opt/mcp/bare", List.of("--root", "/"))).isFalse();
        assertThat(p.stdioAllows("/opt/mcp/flags", List.of("--base"))).isTrue();
        assertThat(p.stdioAllows("/opt/mcp/flags", List.of("--base", "--verbose", "--json"))).isTrue();
        assertThat(p.stdioAllows("/opt/mcp/flags", List.of("--base", "/"))).isFalse();
        assertThat(p.stdioAllows("/bin/sh", List.of())).isFalse();
        assertThat(p.stdioListsCommand("/opt/mcp/git")).isTrue();
        assertThat(p.stdioEntriesFor("/opt/mcp/git")).containsExactly("/opt/mcp/git {/srv/repos/[a-z0-9-]+}");
        assertThat(stdio(null, "*").stdioAllows("/bin/sh", List.of("-c", "id"))).isTrue();
    }

    @Test
    void badSettingsStopStartUpNamingTheProperty() {
        assertThatThrownBy(() -> stdio(null, "/opt/mcp/x {[a-z}")).hasMessageContaining("griddle.mcp.stdio-commands[0]")
                .hasMessageContaining("not a valid regex");
        assertThatThrownBy(() -> stdio(null, "/opt/a", "/opt/mcp/x {.*}* --late")).hasMessageContaining("griddle.mcp.stdio-commands[1]")
                .hasMessageContaining("must be the last token");
        assertThatThrownBy(() -> stdio(null)).hasMessageContaining("griddle.mcp.stdio-commands");

        Path data = Path.of("/var/lib/griddle");
        assertThatThrownBy(() -> StdioRequirements.check(stdio(Path.of("/tmp/mcp"), "/opt/a"), null, data))
                .hasMessageContaining("GRIDDLE_MASTER_KEY");
        assertThatThrownBy(() -> StdioRequirements.check(stdio(data.resolve("mcp"), "/opt/a"), "key", data))
                .hasMessageContaining("griddle.mcp.stdio-work-dir");
        assertThatCode(() -> StdioRequirements.check(stdio(Path.of("/tmp/mcp"), "/opt/a"), "key", data)).doesNotThrowAnyException();
        assertThatCode(() -> StdioRequirements.check(new McpProperties(Duration.ofSeconds(30), Duration.ZERO, false, null, null), null, data))
                .as("stdio off needs no master key").doesNotThrowAnyException();
    }
}
