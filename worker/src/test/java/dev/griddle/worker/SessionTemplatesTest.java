package dev.griddle.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.griddle.sdk.worker.SessionTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --session-templates FILE}: strict, and hostile YAML is refused. */
class SessionTemplatesTest {

    @Test
    void readsTemplates() {
        List<SessionTemplate> t = SessionTemplates.parse("""
                templates:
                  - name: coding-agent
                    command: ["/usr/bin/agent", "--cwd", "{workdir}", "{prompt}"]
                    labels: [repo-a]
                    exec: true
                    idle_after_ms: 120000
                    max_duration_ms: 3600000
                    max_output_bytes: 1000000
                    env_secrets: [ANTHROPIC_API_KEY]
                  - name: shell
                    command: [/bin/sh]
                """);
        assertThat(t).hasSize(2);
        assertThat(t.getFirst().command()).containsExactly("/usr/bin/agent", "--cwd", "{workdir}", "{prompt}");
        assertThat(t.getFirst().exec()).isTrue();
        assertThat(t.getFirst().envSecrets()).containsExactly("ANTHROPIC_API_KEY");
        assertThat(t.get(1).exec()).isFalse();
        assertThat(t.get(1).idleAfterMs()).isZero();
    }

    @Test
    void refusesBadTemplates() {
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [x], shell: true}\n"))
                .hasMessageContaining("unknown field 'shell'");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: []}\n")).hasMessageContaining("argv");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [\"{prompt}\"]}\n"))
                .hasMessageContaining("must not be a placeholder");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [x]}\n  - {name: a, command: [y]}\n"))
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [x], exec: yes please}\n"))
                .hasMessageContaining("exec must be true or false");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [x], idle_after_ms: -1}\n"))
                .hasMessageContaining("idle_after_ms");
        assertThatThrownBy(() -> SessionTemplates.parse("templates:\n  - {name: a, command: [x], env_secrets: [GRIDDLE_WORKER_KEY]}\n"))
                .hasMessageContaining("GRIDDLE_");
        assertThatThrownBy(() -> SessionTemplates.parse("nothing: here\n")).hasMessageContaining("'templates'");
        assertThatThrownBy(() -> SessionTemplates.parse("templates: [\n")).hasMessageContaining("not valid YAML");
    }

    @Test
    void refusesHostileYaml() {
        // an alias bomb ("billion laughs")
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
                    .append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*").append(p).append(",*")
                    .append(p).append("]\n");
        }
        bomb.append("templates: [*j]\n");
        assertThatThrownBy(() -> SessionTemplates.parse(bomb.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aliases");
        // deep nesting
        String deep = "templates: " + "[".repeat(1000) + "]".repeat(1000) + "\n";
        assertThatThrownBy(() -> SessionTemplates.parse(deep)).isInstanceOf(IllegalArgumentException.class);
        // too large
        String large = "templates: []\n#" + "x".repeat(SessionTemplates.MAX_BYTES) + "\n";
        assertThatThrownBy(() -> SessionTemplates.parse(large)).hasMessageContaining("over");
    }
}
