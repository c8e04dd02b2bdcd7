package dev.griddle.cli;

import dev.griddle.sdk.PageRequest;
import picocli.CommandLine.Option;

/** {@code --page} and {@code --per-page} of list commands; the API bounds them (1..100 per page). */
final class Paging {

    @Option(names = "--page", defaultValue = "1", description = "Page, from 1 (default ${DEFAULT-VALUE})")
    int page;

    @Option(names = "--per-page", defaultValue = "20", description = "Items per page, 1..100 (default ${DEFAULT-VALUE})")
    int perPage;

    PageRequest request() {
        return PageRequest.of(page, perPage);
    }
}
