package dev.griddle.server.knowledge;

import java.util.List;

/** A piece of a document's text as search returns it: its place in the document and the headings above it. */
record Chunk(int position, List<String> headingPath, String text) {

    Chunk {
        headingPath = List.copyOf(headingPath);
    }

    /** The heading path as stored: one heading per line (headings are single lines). */
    String heading() {
        return String.join("\n", headingPath);
    }

    static List<String> headingPath(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split("\n"));
    }
}
