package dev.griddle.server.tool.db;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.XMLSerializeExpr;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * Decides, before anything reaches the database, whether a model's SQL may run: exactly one
 * statement, a {@code SELECT}, calling only allow-listed functions ({@link #FUNCTIONS}), reading
 * only tables in {@code allowed_tables}. This is a fence in front of the real boundary, the
 * database's own grants to the integration's user, and of the read-only transaction the query runs
 * in (PostgreSQL, MySQL/MariaDB).
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

    /**
     * The functions a query may call: aggregates, window functions and plain scalar built-ins of
     * PostgreSQL, MySQL/MariaDB and H2. Anything else is refused, because a function can read what
     * the table check never sees ({@code query_to_xml('select * from salaries', ...)},
     * {@code table_to_xml}, {@code pg_read_file}, {@code load_file}, H2's {@code file_read}), open
     * another session ({@code dblink}) or hold the database ({@code pg_sleep}, advisory locks).
     * Functions that build unbounded values ({@code repeat}, {@code lpad}) are left out too.
     */
    static final Set<String> FUNCTIONS = Set.of(
            "count", "sum", "avg", "min", "max", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "bool_and",
            "bool_or", "every", "string_agg", "array_agg", "group_concat", "listagg", "percentile_cont", "percentile_disc", "mode",
            "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value", "nth_value", "percent_rank", "cume_dist",
            "lower", "upper", "lcase", "ucase", "initcap", "coalesce", "nullif", "ifnull", "nvl", "if", "greatest", "least", "length",
            "char_length", "character_length", "octet_length", "substring", "substr", "left", "right", "trim", "ltrim", "rtrim", "btrim",
            "replace", "concat", "concat_ws", "position", "strpos", "locate", "instr", "split_part", "reverse", "abs", "ceil", "ceiling",
            "floor", "round", "trunc", "truncate", "mod", "power", "pow", "sqrt", "sign", "exp", "ln", "log", "log10", "date_trunc",
            "date_part", "extract", "now", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp", "to_char",
            "to_date", "to_timestamp", "to_number", "age", "make_date", "date", "year", "month", "day", "dayofweek", "dayofmonth",
            "dayofyear", "week", "quarter", "hour", "minute", "second", "datediff", "date_format", "date_add", "date_sub", "dateadd",
            "timestampdiff", "cast", "convert");

    /** Checks {@code sql}; {@code allowedTables} null allows every table. Functions are checked either way. */
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
        Walker walker = new Walker();
        walker.walk(statement);
        if (walker.refusal != null) {
            throw new Refused(walker.refusal);
        }
        if (allowedTables == null) {
            return;
        }
        for (String table : walker.tables()) {
            if (!allowed(table, allowedTables)) {
                throw new Refused("table '" + table + "' is not in allowed_tables " + allowedTables);
            }
        }
    }

    /**
     * Visits every node of the parsed statement, by reflection over the fields of JSqlParser's
     * AST classes rather than through its visitors: a visitor walks only the parts it was written
     * for (JSqlParser's own table finder skips a top-level {@code ORDER BY}, a window's
     * {@code PARTITION BY} and {@code FILTER}, named arguments), and what is not walked is not
     * checked. New node types of a later JSqlParser are walked too. Column references are not
     * entered: their {@code Table} is a qualifier ({@code c.id}), not a table read.
     */
    private static final class Walker {
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<String> tables = new LinkedHashSet<>();
        private final Set<String> withNames = new HashSet<>();
        String refusal;

        void walk(Object node) {
            if (node == null || !seen.add(node)) {
                return;
            }
            if (node instanceof Iterable<?> items) {
                items.forEach(this::walk);
                return;
            }
            if (node instanceof Map<?, ?> map) {
                map.values().forEach(this::walk);
                return;
            }
            if (node instanceof Object[] array) {
                Arrays.stream(array).forEach(this::walk);
                return;
            }
            String type = node.getClass().getName();
            if (!type.startsWith("net.sf.jsqlparser.") || type.startsWith("net.sf.jsqlparser.parser.")) {
                return;
            }
            switch (node) {
                case TableFunction t -> {
                    // a Function subclass that only wraps the called function, walked below
                }
                case Function f -> judge(f.getMultipartName());
                case AnalyticExpression a -> judge(Collections.singletonList(a.getName()));
                case XMLSerializeExpr x -> refuse("function 'xmlserialize' is not allowed");
                case Table t -> tables.add(t.getFullyQualifiedName());
                case WithItem<?> w when w.getAlias() != null -> withNames.add(normalize(w.getAlias().getName()));
                default -> {
                }
            }
            if (node instanceof Column || node instanceof AllTableColumns) {
                return;
            }
            for (Class<?> c = node.getClass(); c != null && c.getName().startsWith("net.sf.jsqlparser."); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    Object value;
                    try {
                        field.setAccessible(true);
                        value = field.get(node);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        refuse("the SQL uses a construct the guard cannot check (" + c.getSimpleName() + "." + field.getName() + ")");
                        continue;
                    }
                    walk(value);
                }
            }
        }

        /** The tables read, without the names of the statement's own {@code WITH} queries. */
        Set<String> tables() {
            Set<String> out = new LinkedHashSet<>();
            for (String t : tables) {
                if (!withNames.contains(normalize(t))) {
                    out.add(t);
                }
            }
            return out;
        }

        private void judge(List<String> nameParts) {
            if (nameParts == null || nameParts.isEmpty() || nameParts.stream().anyMatch(java.util.Objects::isNull)) {
                refuse("a function call without a name is not allowed");
                return;
            }
            List<String> parts = nameParts.stream().map(SqlGuard::unquote).toList();
            boolean catalog = parts.size() == 2 && Set.of("pg_catalog", "sys").contains(parts.getFirst());
            String name = parts.getLast();
            if ((parts.size() == 1 || catalog) && FUNCTIONS.contains(name)) {
                return;
            }
            refuse("function '" + String.join(".", parts) + "' is not allowed; queries may call only aggregates, window functions and "
                    + "plain scalar built-ins such as count, sum, avg, min, max, lower, upper, coalesce, length, substring, round, "
                    + "date_trunc, now and cast");
        }

        private void refuse(String message) {
            if (refusal == null) {
                refusal = message;
            }
        }
    }

    private static String unquote(String part) {
        String p = part.strip();
        if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("`") && p.endsWith("`"))) {
            p = p.substring(1, p.length() - 1);
        }
        return p.toLowerCase(Locale.ROOT);
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
