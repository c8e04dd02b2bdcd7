package dev.griddle.server.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * "At least half of the question's words" as one tsquery: the OR of every AND of
 * {@code ceil(n/2)} of its {@code n} lexemes, so PostgreSQL's GIN index finds exactly the chunks
 * that qualify, instead of finding every chunk with any word and checking each one (over 100,000
 * chunks: 20 ms instead of 540 ms for three words of 8% each). The number of terms is
 * {@code C(n, ceil(n/2))}, so questions of more than {@value #MAX_LEXEMES} distinct lexemes (252
 * terms at most) are left to the row-by-row check ({@link #of} answers null).
 */
final class MinimumMatch {

    static final int MAX_LEXEMES = 10;

    private MinimumMatch() {
    }

    /** The tsquery text requiring half of {@code lexemes} (normalized lexemes, distinct); null for none or too many. */
    static String of(List<String> lexemes) {
        int n = lexemes.size();
        if (n == 0 || n > MAX_LEXEMES) {
            return null;
        }
        List<String> terms = new ArrayList<>();
        combinations(lexemes, (n + 1) / 2, 0, new ArrayList<>(), terms);
        return terms.stream().map(t -> "(" + t + ")").collect(Collectors.joining(" | "));
    }

    /** Any of the lexemes: the query ranking is computed with. */
    static String any(List<String> lexemes) {
        return lexemes.stream().map(MinimumMatch::quote).collect(Collectors.joining(" | "));
    }

    private static void combinations(List<String> lexemes, int size, int from, List<String> chosen, List<String> out) {
        if (chosen.size() == size) {
            out.add(chosen.stream().map(MinimumMatch::quote).collect(Collectors.joining(" & ")));
            return;
        }
        for (int i = from; i <= lexemes.size() - (size - chosen.size()); i++) {
            chosen.add(lexemes.get(i));
            combinations(lexemes, size, i + 1, chosen, out);
            chosen.removeLast();
        }
    }

    /** A lexeme as a tsquery operand: quoted, its quotes doubled and backslashes escaped, taken as it is (not normalized again). */
    static String quote(String lexeme) {
        return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
