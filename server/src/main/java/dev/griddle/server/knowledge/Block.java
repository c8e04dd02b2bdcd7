package dev.griddle.server.knowledge;

/** One structural piece of extracted text: a heading (level 1-6) or a paragraph ({@code level} 0). */
record Block(int level, String text) {

    static Block heading(int level, String text) {
        return new Block(level, text);
    }

    static Block paragraph(String text) {
        return new Block(0, text);
    }

    boolean isHeading() {
        return level > 0;
    }
}
