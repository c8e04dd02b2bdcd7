package dev.griddle.server.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads Tika's XHTML into {@link Block}s: {@code h1}-{@code h6} become headings; paragraphs, list
 * items, table rows (cells joined by {@code " | "}), preformatted text and quotes become paragraphs.
 * Text in {@code head}, scripts and styles is dropped. Stops with {@link TooMuchText} once the
 * text passes {@code maxChars}, so a huge document costs no more than the limit.
 */
final class StructureHandler extends DefaultHandler {

    /** Thrown through the parser when the text passes the limit. */
    static final class TooMuchText extends SAXException {
        TooMuchText(int limit) {
            super("the document has more than " + limit + " characters of text (griddle.knowledge.max-chars)");
        }
    }

    private static final Set<String> BLOCKS = Set.of("p", "li", "tr", "pre", "blockquote", "div", "dd", "dt", "caption", "section",
            "article", "table", "ul", "ol", "body");
    private static final Set<String> SKIPPED = Set.of("head", "script", "style", "title");

    private final int maxChars;
    private final List<Block> blocks = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private int headingLevel;
    private int skipped;
    private long total;

    StructureHandler(int maxChars) {
        this.maxChars = maxChars;
    }

    List<Block> blocks() {
        flush();
        return blocks;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes atts) {
        String name = name(localName, qName);
        if (SKIPPED.contains(name)) {
            skipped++;
            return;
        }
        int level = headingLevel(name);
        if (level > 0 || BLOCKS.contains(name)) {
            flush();
            headingLevel = level;
        } else if (name.equals("td") || name.equals("th")) {
            if (!text.isEmpty() && !text.toString().endsWith(" | ")) {
                text.append(" | ");
            }
        } else if (name.equals("br")) {
            text.append('\n');
        }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
        String name = name(localName, qName);
        if (SKIPPED.contains(name)) {
            skipped--;
            return;
        }
        if (headingLevel(name) > 0 || BLOCKS.contains(name)) {
            flush();
            headingLevel = 0;
        }
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
        if (skipped > 0) {
            return;
        }
        total += length;
        if (total > maxChars) {
            throw new TooMuchText(maxChars);
        }
        text.append(ch, start, length);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
        characters(ch, start, length);
    }

    private void flush() {
        String t = text.toString().replace('\u00a0', ' ').replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" ?\\| ?$", "").strip();
        text.setLength(0);
        if (t.isEmpty()) {
            return;
        }
        blocks.add(headingLevel > 0 ? Block.heading(headingLevel, t.replace('\n', ' ')) : Block.paragraph(t));
    }

    private static String name(String localName, String qName) {
        return (localName == null || localName.isEmpty() ? qName : localName).toLowerCase(Locale.ROOT);
    }

    private static int headingLevel(String name) {
        return name.length() == 2 && name.charAt(0) == 'h' && name.charAt(1) >= '1' && name.charAt(1) <= '6' ? name.charAt(1) - '0' : 0;
    }
}
