package dev.griddle.server.tool.db;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Decides, before anything reaches the database, whether a model's SQL may run: exactly one
 * statement, a {@code SELECT}, reading only tables in {@code allowed_tables}. This is the first of
 * two fences; the second is the read-only transaction the query runs in, which stops writes the
 * parser cannot see (a volatile function, say).
 */
final class SqlGuard {

    /** Why a statement was refused; the message is shown to the model. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private SqlGuard() {
    }

    /** Checks {@code sql}; {@code allowedTables} null allows every table. */
    static void check(String sql, List<String> allowedTables) throws Refused {
        Statements parsed;
        try {
            parsed = CCJSqlParserUtil.parseStatements(sql);
        } catch (JSQLParserException e) {
            throw new Refused("cannot parse the SQL: " + firstLine(e));
        }
        if (parsed == null || parsed.size() != 1) {
            throw new Refused("exactly one statement is allowed, got " + (parsed == null ? 0 : parsed.size()));
        }
        Statement statement = parsed.get(0);
        if (!(statement instanceof Select)) {
            throw new Refused("only SELECT statements are allowed (read-only), got " + statement.getClass().getSimpleName().toUpperCase(Locale.ROOT));
        }
        if (allowedTables == null) {
            return;
        }
        Set<String> tables;
        try {
            tables = TablesNamesFinder.findTables(sql);
        } catch (JSQLParserException e) {
            throw new Refused("cannot parse the SQL: " + firstLine(e));
        }
        for (String table : tables) {
            if (!allowed(table, allowedTables)) {
                throw new Refused("table '" + table + "' is not in allowed_tables " + allowedTables);
            }
        }
    }

    /**
     * Whether {@code table} (as written in SQL, maybe schema-qualified or quoted) is in the list. An
     * unqualified entry {@code orders} allows {@code orders} and {@code public.orders}; a qualified
     * entry {@code sales.orders} allows only that.
     */
    static boolean allowed(String table, List<String> allowedTables) {
        String t = normalize(table);
        for (String entry : allowedTables) {
            String a = normalize(entry);
            if (t.equals(a) || (!a.contains(".") && t.equals("public." + a))) {
                return true;
            }
        }
        return false;
    }

    static String normalize(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.trim().split("\\.")) {
            String p = part.trim();
            if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("`") && p.endsWith("`"))) {
                p = p.substring(1, p.length() - 1);
            } else {
                p = p.toLowerCase(Locale.ROOT);
            }
            out.append(out.isEmpty() ? "" : ".").append(p);
        }
        return out.toString();
    }

    private static String firstLine(Exception e) {
        String m = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
