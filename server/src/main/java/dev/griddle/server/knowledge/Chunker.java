package dev.griddle.server.knowledge;

import java.util.ArrayList;
import java.util.List;

/**
 * Structure first, then size: a heading always starts a new chunk and becomes part of the heading
 * path of the chunks under it; paragraphs of one section are packed together up to
 * {@code maxChars}; a paragraph longer than that is cut at sentence or word boundaries. A chunk
 * that continues a section starts with the last {@code overlap} characters of the one before it
 * (from a word boundary), so a passage cut in two is still found whole in one of them.
 */
final class Chunker {

    private final int maxChars;
    private final int overlap;

    Chunker(int maxChars, int overlap) {
        this.maxChars = maxChars;
        this.overlap = overlap;
    }

    List<Chunk> chunk(List<Block> blocks) {
        List<Chunk> out = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String carried = "";
        for (Block block : blocks) {
            if (block.isHeading()) {
                emit(out, headings, current);
                carried = "";
                while (!levels.isEmpty() && levels.getLast() >= block.level()) {
                    levels.removeLast();
                    headings.removeLast();
                }
                levels.add(block.level());
                headings.add(block.text().length() > 300 ? block.text().substring(0, 300) : block.text());
                continue;
            }
            for (String piece : pieces(block.text())) {
                if (!current.isEmpty() && current.length() + 2 + piece.length() > maxChars) {
                    carried = tail(current.toString());
                    emit(out, headings, current);
                }
                if (current.isEmpty() && !carried.isEmpty() && carried.length() + 1 + piece.length() <= maxChars + overlap) {
                    current.append(carried).append(' ');
                }
                carried = "";
                if (!current.isEmpty() && !current.toString().endsWith(" ")) {
                    current.append("\n\n");
                }
                current.append(piece);
            }
        }
        emit(out, headings, current);
        return out;
    }

    private static void emit(List<Chunk> out, List<String> headings, StringBuilder current) {
        String text = current.toString().strip();
        current.setLength(0);
        if (!text.isEmpty()) {
            out.add(new Chunk(out.size(), headings, text));
        }
    }

    /** The paragraph itself, or, when longer than a chunk, its parts cut at sentence ends, else at spaces, else hard. */
    private List<String> pieces(String paragraph) {
        List<String> out = new ArrayList<>();
        String rest = paragraph.strip();
        while (rest.length() > maxChars) {
            int cut = cutPoint(rest);
            out.add(rest.substring(0, cut).strip());
            int back = Math.max(0, cut - overlap);
            int space = rest.indexOf(' ', back);
            int from = overlap == 0 || space < 0 || space >= cut ? cut : space + 1;
            rest = rest.substring(from).strip();
        }
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }

    private int cutPoint(String text) {
        int min = maxChars / 2;
        for (int i = maxChars; i > min; i--) {
            char c = text.charAt(i - 1);
            if ((c == '.' || c == '!' || c == '?' || c == '\n') && Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        int space = text.lastIndexOf(' ', maxChars);
        return space > min ? space : maxChars;
    }

    private String tail(String text) {
        if (overlap == 0 || text.length() <= overlap) {
            return overlap == 0 ? "" : text;
        }
        int from = text.length() - overlap;
        int space = text.indexOf(' ', from);
        return space < 0 ? text.substring(from) : text.substring(space + 1);
    }
}
