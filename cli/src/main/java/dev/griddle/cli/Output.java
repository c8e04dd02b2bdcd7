package dev.griddle.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.griddle.sdk.Page;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints what a command answers: {@code json} writes the API's own shape (snake_case, one
 * document, for scripts and {@code jq}); {@code table} aligns columns for people.
 */
final class Output {

    enum Format { table, json }

    static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(v -> v.withValueInclusion(JsonInclude.Include.NON_NULL))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** One table column: its heading and how a row shows in it. */
    record Column<T>(String heading, Function<T, Object> value) {
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final Format format;

    Output(PrintWriter out, PrintWriter err, Format format) {
        this.out = out;
        this.err = err;
        this.format = format;
    }

    Format format() {
        return format;
    }

    /** A list: a table of these columns, or the items as a JSON array. */
    @SafeVarargs
    final <T> void list(List<T> rows, Column<T>... columns) {
        if (format == Format.json) {
            json(rows);
            return;
        }
        String[][] cells = new String[rows.size() + 1][columns.length];
        int[] widths = new int[columns.length];
        for (int c = 0; c < columns.length; c++) {
            cells[0][c] = columns[c].heading();
            for (int r = 0; r < rows.size(); r++) {
                cells[r + 1][c] = cell(columns[c].value().apply(rows.get(r)));
            }
            for (String[] row : cells) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c == row.length - 1 ? row[c] : String.format("%-" + (widths[c] + 2) + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** One object: its fields as {@code name: value} lines, or the object as JSON. */
    @SafeVarargs
    final <T> void one(T item, Column<T>... fields) {
        if (format == Format.json) {
            json(item);
            return;
        }
        int width = 0;
        for (Column<T> f : fields) {
            width = Math.max(width, f.heading().length());
        }
        for (Column<T> f : fields) {
            out.println(String.format("%-" + (width + 1) + "s %s", f.heading() + ":", cell(f.value().apply(item))));
        }
        out.flush();
    }

    /** A page of a list with its position on stderr (when there is more than one page), so stdout stays the table. */
    @SafeVarargs
    final <T> void page(Page<T> page, Column<T>... columns) {
        list(page.data(), columns);
        if (format == Format.table && page.meta() != null && page.meta().pages() > 1) {
            note("page " + page.meta().page() + " of " + page.meta().pages() + " (" + page.meta().total() + " in all; --page N for more)");
        }
    }

    /** One JSON document on one line: for streams of events, one per line. */
    void jsonLine(Object value) {
        out.println(JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value));
        out.flush();
    }

    /** A remark for the person, on stderr. */
    void note(String text) {
        err.println(text);
        err.flush();
    }

    void json(Object value) {
        out.println(JSON.writeValueAsString(value));
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A value as one table cell: times to the second, JSON compact, nothing as {@code -}. */
    static String cell(Object value) {
        if (value == null || value instanceof JsonNode n && (n.isNull() || n.isMissingNode())) {
            return "-";
        }
        if (value instanceof Instant t) {
            return t.truncatedTo(ChronoUnit.SECONDS).toString();
        }
        if (value instanceof JsonNode n) {
            return n.isString() ? n.asString() : n.toString();
        }
        if (value instanceof List<?> l) {
            return l.isEmpty() ? "-" : String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
