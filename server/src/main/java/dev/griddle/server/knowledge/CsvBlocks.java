package dev.griddle.server.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * A table (CSV or TSV text, as Tika hands it over) as one paragraph per row, each cell named by its
 * column ({@code product: corvina | price: 12.50}), so that a row found alone still says what its
 * values are. Quoted cells may hold the delimiter, doubled quotes and line breaks (RFC 4180).
 */
final class CsvBlocks {

    private CsvBlocks() {
    }

    static List<Block> of(String text, char delimiter) {
        List<List<String>> rows = rows(text, delimiter);
        List<Block> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out;
        }
        List<String> header = rows.getFirst();
        for (List<String> row : rows.subList(1, rows.size())) {
            StringBuilder p = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i).strip();
                if (cell.isEmpty()) {
                    continue;
                }
                if (!p.isEmpty()) {
                    p.append(" | ");
                }
                String name = i < header.size() ? header.get(i).strip() : "";
                p.append(name.isEmpty() ? "" : name + ": ").append(cell);
            }
            if (!p.isEmpty()) {
                out.add(Block.paragraph(p.toString()));
            }
        }
        if (out.isEmpty()) {
            out.add(Block.paragraph(String.join(" | ", header)));
        }
        return out;
    }

    private static List<List<String>> rows(String text, char delimiter) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty()) {
                quoted = true;
            } else if (c == delimiter) {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                if (row.stream().anyMatch(s -> !s.isBlank())) {
                    rows.add(row);
                }
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        row.add(cell.toString());
        if (row.stream().anyMatch(s -> !s.isBlank())) {
            rows.add(row);
        }
        return rows;
    }
}
