package dev.griddle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument parsing and the exit codes of mistakes the CLI catches before any request. */
class CommandLineTest {

    @TempDir
    Path config;

    record Result(int code, String out, String err) {
    }

    Result run(Map<String, String> env, String... args) {
        CommandLine cli = GriddleCli.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    Result run(String... args) {
        return run(Map.of("XDG_CONFIG_HOME", config.toString()), args);
    }

    @Test
    void usageMistakesExit2WithTheReason() {
        assertThat(run("frobnicate")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("Unmatched argument", "frobnicate");
        });
        assertThat(run("runs").err()).contains("Missing required subcommand");
        assertThat(run("run", "r", "--timeout", "5q", "--wait").err()).contains("'5q' is not a duration");
        assertThat(run("run", "r", "--timeout", "5s")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--timeout needs --wait");
        });
        assertThat(run("run", "r", "--key", "grd_x", "--input", "{not json")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--input is not JSON");
        });
        assertThat(run("runs", "get", "not-an-id").err()).contains("'not-an-id' is not an id");
        assertThat(run("keys", "create", "k").err()).contains("Missing required option: '--role=<role>'");
        assertThat(run("-o", "yaml", "runners", "ls").err()).contains("Invalid value for option '--output'");
        assertThat(run("experiment", "run", "--runner", "r").err()).contains("Missing required option: '--dataset=ID'");
        assertThat(run("experiment", "run", "--dataset", "d", "--runner", "r", "--key", "grd_x")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--dataset 'd' is not an id");
        });
        assertThat(run("experiment", "run", "--dataset", java.util.UUID.randomUUID().toString(), "--runner", "r", "--fail-under", "1.5")
                .err()).contains("--fail-under must be between 0 and 1");
    }

    @Test
    void withoutAKeyEveryCallIsAUsageError() {
        Result r = run("runners", "ls");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no API key", config.resolve("griddle/config.yaml").toString());
    }

    @Test
    void anUnreachableServerIsAnApiErrorSayingSo() {
        Result r = run("--url", "http://127.0.0.1:1", "--key", "grd_x", "runners", "ls");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach the server", "ConnectException");
    }

    @Test
    void connectionOptionsMayStandAfterTheSubcommand() {
        Result r = run("runs", "ls", "--profile", "missing");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no profile 'missing'");
    }

    @Test
    void completionPrintsABashScriptCoveringTheCommands() {
        Result r = run("completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F", "approvals", "--dry-run", "--timeout");
    }

    @Test
    void durationsReadShortAndIsoForms() {
        DurationConverter d = new DurationConverter();
        assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(d.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(d.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void tablesAlignColumnsAndShowNothingAsADash() {
        StringWriter text = new StringWriter();
        Output out = new Output(new PrintWriter(text), new PrintWriter(new StringWriter()), Output.Format.table);
        out.list(java.util.List.of(new String[] {"a", null}, new String[] {"longer", "x"}),
                new Output.Column<String[]>("NAME", row -> row[0]), new Output.Column<>("VALUE", row -> row[1]));
        assertThat(text.toString().lines()).containsExactly("NAME    VALUE", "a       -", "longer  x");
    }
}
