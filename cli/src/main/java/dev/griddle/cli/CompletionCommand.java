package dev.griddle.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code completion}: picocli's bash (and zsh) completion script for every command and option. */
@Command(name = "completion", description = "Print a bash completion script: source <(griddle-cli completion)")
final class CompletionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("griddle-cli", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
