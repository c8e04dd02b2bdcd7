package dev.griddle.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What a shell task's child sees of the worker's environment: the passed names and the task's env, never GRIDDLE_ variables. */
class ShellTaskEnvironmentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> WORKER = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/w", "GRIDDLE_WORKER_KEY", "grd_live_secret",
            "GRIDDLE_MASTER_KEY", "m", "AWS_SECRET_ACCESS_KEY", "aws", "LANG", "C.UTF-8");

    @Test
    void aChildGetsOnlyThePassedVariablesAndTheTasksEnv() throws Exception {
        Map<String, String> env = ShellTask.environment(WORKER, Set.copyOf(ShellTask.DEFAULT_PASS_ENV),
                JSON.readTree("{\"GREETING\": \"hello\"}"));
        assertThat(env).isEqualTo(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/w", "LANG", "C.UTF-8", "GREETING", "hello"));
        assertThat(run(env, "echo \"key=$GRIDDLE_WORKER_KEY aws=$AWS_SECRET_ACCESS_KEY greeting=$GREETING\"")).isEqualTo("key= aws= greeting=hello\n");
    }

    @Test
    void griddleVariablesAreNeverPassedEvenWhenListed() {
        assertThat(ShellTask.environment(WORKER, Set.of("GRIDDLE_WORKER_KEY", "PATH"), JSON.createObjectNode())).containsOnlyKeys("PATH");
        assertThatThrownBy(() -> WorkerMain.passEnv(Map.of("pass-env", "PATH,GRIDDLE_WORKER_KEY"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pass-env").hasMessageContaining("GRIDDLE_WORKER_KEY");
        assertThat(WorkerMain.passEnv(Map.of("pass-env", "PATH, JAVA_HOME"))).containsExactly("PATH", "JAVA_HOME");
        assertThat(WorkerMain.passEnv(Map.of())).containsExactly("PATH", "HOME", "LANG", "TZ", "TMPDIR");
    }

    /** Runs {@code command} with exactly {@code env}, the way the shell task starts its child. */
    private static String run(Map<String, String> env, String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
