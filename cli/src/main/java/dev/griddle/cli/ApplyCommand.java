package dev.griddle.cli;

import dev.griddle.sdk.TriggerModels.Applied;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import dev.griddle.sdk.TriggerModels.Warning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code apply -f FILE [--dry-run]}: a bundle through {@code POST /api/v1/apply}, printing what it creates, updates and leaves. */
@Command(name = "apply", description = "Apply a bundle (YAML, or JSON for a .json file) and print the change list.")
final class ApplyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The bundle")
    Path file;

    @Option(names = "--dry-run", description = "Only say what would change; write nothing")
    boolean dryRun;

    @Override
    public void run() {
        String bundle;
        try {
            bundle = Files.readString(file);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
        }
        GriddleCli app = GriddleCli.of(spec);
        var apply = app.client().apply();
        ApplyResult result = file.toString().endsWith(".json") ? apply.json(bundle, dryRun) : apply.yaml(bundle, dryRun);
        Output out = app.output(spec);
        if (out.format() == Output.Format.json) {
            out.json(result);
            return;
        }
        print(out, result.created(), "created");
        print(out, result.updated(), "updated");
        print(out, result.unchanged(), "unchanged");
        for (Warning w : list(result.warnings())) {
            out.line("warning    " + w.kind() + " " + w.name() + (w.path() == null ? "" : " " + w.path()) + ": " + w.message());
        }
        out.note(result.dryRun() ? "dry run: nothing was written" : "applied " + file);
    }

    private static void print(Output out, List<Applied> applied, String verb) {
        for (Applied a : list(applied)) {
            StringBuilder line = new StringBuilder(String.format("%-10s %-11s %s", verb, a.kind(), a.name()));
            if (a.runner() != null) {
                line.append(" (runner ").append(a.runner()).append(')');
            }
            if (a.id() != null) {
                line.append("  ").append(a.id());
            }
            if (!a.changed().isEmpty()) {
                line.append("  changed: ").append(String.join(", ", a.changed()));
            }
            out.line(line.toString());
            if (a.ingressUrl() != null) {
                out.line("           ingress url: " + a.ingressUrl());
            }
            if (a.signingSecret() != null) {
                out.line("           signing secret (shown once): " + a.signingSecret());
            }
        }
    }

    private static <T> List<T> list(List<T> items) {
        return items == null ? List.of() : items;
    }
}
