package dev.griddle.server.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structure in plain text, which Tika hands over as one run: paragraphs are separated by blank
 * lines; in Markdown, {@code #} lines (ATX headings) and underlined lines ({@code ===}, {@code ---})
 * are headings, and fenced code stays one paragraph.
 */
final class PlainTextBlocks {

    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)\\s*$");

    private PlainTextBlocks() {
    }

    static List<Block> of(String text, boolean markdown) {
        List<Block> out = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        boolean fenced = false;
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            if (markdown && line.strip().startsWith("```")) {
                fenced = !fenced;
                paragraph.append(line).append('\n');
                continue;
            }
            if (fenced) {
                paragraph.append(line).append('\n');
                continue;
            }
            Matcher atx = markdown ? ATX.matcher(line) : null;
            if (atx != null && atx.matches()) {
                flush(paragraph, out);
                if (!atx.group(2).isBlank()) {
                    out.add(Block.heading(atx.group(1).length(), atx.group(2).strip()));
                }
            } else if (markdown && UNDERLINE.matcher(line).matches() && !paragraph.isEmpty() && paragraph.indexOf("\n") == paragraph.length() - 1) {
                String title = paragraph.toString().strip();
                paragraph.setLength(0);
                out.add(Block.heading(line.strip().startsWith("=") ? 1 : 2, title));
            } else if (line.isBlank()) {
                flush(paragraph, out);
            } else {
                paragraph.append(line).append('\n');
            }
        }
        flush(paragraph, out);
        return out;
    }

    private static void flush(StringBuilder paragraph, List<Block> out) {
        String p = paragraph.toString().strip();
        paragraph.setLength(0);
        if (!p.isEmpty()) {
            out.add(Block.paragraph(p));
        }
    }
}
