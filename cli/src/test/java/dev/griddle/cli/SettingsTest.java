package dev.griddle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the URL and key come from: flags, the named profile, the environment, the default profile, the built-in URL. */
class SettingsTest {

    @TempDir
    Path home;

    Path file;

    Path config(String yaml) throws IOException {
        file = home.resolve("griddle/config.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, yaml);
        return file;
    }

    static final String PROFILES = """
            default_profile: local
            profiles:
              local: {url: "http://127.0.0.1:8080", key: grd_local}
              prod: {url: "https://griddle.example.com", key: grd_prod}
            """;

    @Test
    void theConfigFileHonoursXdgConfigHomeElseHome() {
        assertThat(Settings.configFile(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h"))).isEqualTo(Path.of("/x/griddle/config.yaml"));
        assertThat(Settings.configFile(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/griddle/config.yaml"));
    }

    @Test
    void withoutFileOrEnvironmentTheUrlIsLocalhostAndThereIsNoKey() {
        Settings s = Settings.resolve(null, null, null, Map.of(), home.resolve("none.yaml"));
        assertThat(s).isEqualTo(new Settings("http://localhost:8080", null, null));
    }

    @Test
    void theEnvironmentBeatsTheDefaultProfileAndFlagsBeatEverything() throws IOException {
        Path f = config(PROFILES);
        Map<String, String> env = Map.of("GRIDDLE_URL", "http://env:1", "GRIDDLE_KEY", "grd_env");
        assertThat(Settings.resolve(null, null, null, Map.of(), f)).isEqualTo(new Settings("http://127.0.0.1:8080", "grd_local", "local"));
        assertThat(Settings.resolve(null, null, null, env, f)).isEqualTo(new Settings("http://env:1", "grd_env", "local"));
        assertThat(Settings.resolve("http://flag:2", "grd_flag", null, env, f)).isEqualTo(new Settings("http://flag:2", "grd_flag", "local"));
    }

    @Test
    void aNamedProfileBeatsTheEnvironmentButNotFlags() throws IOException {
        Path f = config(PROFILES);
        Map<String, String> env = Map.of("GRIDDLE_URL", "http://env:1", "GRIDDLE_KEY", "grd_env");
        assertThat(Settings.resolve(null, null, "prod", env, f)).isEqualTo(new Settings("https://griddle.example.com", "grd_prod", "prod"));
        assertThat(Settings.resolve(null, "grd_flag", "prod", env, f).key()).isEqualTo("grd_flag");
        Map<String, String> byEnv = Map.of("GRIDDLE_PROFILE", "prod");
        assertThat(Settings.resolve(null, null, null, byEnv, f).key()).isEqualTo("grd_prod");
    }

    @Test
    void anUnknownProfileOrBadYamlIsAUsageErrorNamingIt() throws IOException {
        Path f = config(PROFILES);
        assertThatThrownBy(() -> Settings.resolve(null, null, "staging", Map.of(), f)).isInstanceOfSatisfying(CliFailure.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE)).hasMessageContaining("no profile 'staging' in " + f);
        config("default_profile: gone\nprofiles: {}\n");
        assertThatThrownBy(() -> Settings.resolve(null, null, null, Map.of(), file)).hasMessageContaining("default_profile 'gone'");
        config("profiles: [unclosed\n");
        assertThatThrownBy(() -> Settings.resolve(null, null, null, Map.of(), file)).hasMessageContaining("is not valid YAML");
    }
}
