package dev.griddle.server.console;

import java.util.ArrayList;
import java.util.List;

/** A line diff (longest common subsequence) of two texts, for comparing runner versions. Bounded: at most {@link #MAX_LINES} lines a side. */
public record ConsoleDiff(List<Line> lines, boolean tooLong) {

    /** One line: {@code " "} in both, {@code "-"} only in the old, {@code "+"} only in the new. */
    public record Line(String op, String text) {
    }

    static final int MAX_LINES = 2000;

    static ConsoleDiff of(String before, String after) {
        String[] a = before.split("\n", -1);
        String[] b = after.split("\n", -1);
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            return new ConsoleDiff(List.of(), true);
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Line> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i].equals(b[j])) {
                lines.add(new Line(" ", a[i++]));
                j++;
            } else if (common[i + 1][j] >= common[i][j + 1]) {
                lines.add(new Line("-", a[i++]));
            } else {
                lines.add(new Line("+", b[j++]));
            }
        }
        while (i < a.length) {
            lines.add(new Line("-", a[i++]));
        }
        while (j < b.length) {
            lines.add(new Line("+", b[j++]));
        }
        return new ConsoleDiff(lines, false);
    }
}
