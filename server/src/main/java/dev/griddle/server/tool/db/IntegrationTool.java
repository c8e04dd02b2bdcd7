package dev.griddle.server.tool.db;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.tool.Tool;
import dev.griddle.server.tool.ToolContext;
import dev.griddle.server.tool.ToolException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The three tools of an attached database integration, {@code <name>__sql_query},
 * {@code <name>__list_tables} and {@code <name>__describe_table}, each limited to the
 * attachment's {@code allowed_tables}.
 */
final class IntegrationTool implements Tool {

    @Override
    public String recordedKind() {
        return "sql";
    }


    enum Verb {
        SQL_QUERY("sql_query"), LIST_TABLES("list_tables"), DESCRIBE_TABLE("describe_table");

        final String suffix;

        Verb(String suffix) {
            this.suffix = suffix;
        }

        static Verb of(String suffix) {
            for (Verb v : values()) {
                if (v.suffix.equals(suffix)) {
                    return v;
                }
            }
            return null;
        }
    }

    private static final String PG_TABLES_SQL = """
            select table_schema, table_name, table_type from information_schema.tables
            where table_schema not in ('pg_catalog', 'information_schema')
            order by table_schema, table_name""";
    private static final String PG_COLUMNS_SQL = """
            select column_name, data_type, is_nullable, column_default from information_schema.columns
            where table_name = ? and (? = '' or table_schema = ?) and table_schema not in ('pg_catalog', 'information_schema')
            order by table_schema, ordinal_position""";
    /** MySQL and MariaDB: the connection's own database only. */
    private static final String MYSQL_TABLES_SQL = """
            select table_schema, table_name, table_type from information_schema.tables
            where table_schema = database() order by table_name""";
    private static final String MYSQL_COLUMNS_SQL = """
            select column_name, data_type, is_nullable, column_default from information_schema.columns
            where table_name = ? and table_schema = coalesce(nullif(?, ''), database()) and ? is not null
            order by ordinal_position""";
    /** H2 folds unquoted names to upper case: compare names case-insensitively. */
    private static final String H2_TABLES_SQL = """
            select table_schema, table_name, table_type from information_schema.tables
            where table_schema <> 'INFORMATION_SCHEMA' order by table_schema, table_name""";
    private static final String H2_COLUMNS_SQL = """
            select column_name, data_type, is_nullable, column_default from information_schema.columns
            where upper(table_name) = upper(?) and (? = '' or upper(table_schema) = upper(?)) and table_schema <> 'INFORMATION_SCHEMA'
            order by table_schema, ordinal_position""";

    private final IntegrationStore.Attached attached;
    private final Verb verb;
    private final ReadOnlyDatabase database;
    private final JsonMapper json;

    IntegrationTool(IntegrationStore.Attached attached, Verb verb, ReadOnlyDatabase database, JsonMapper json) {
        this.attached = attached;
        this.verb = verb;
        this.database = database;
        this.json = json;
    }

    @Override
    public String name() {
        return attached.integration().name() + "__" + verb.suffix;
    }

    @Override
    public String description() {
        String db = attached.integration().kind() + " database '" + attached.integration().name() + "'";
        String scope = attached.allowedTables() == null ? "" : " Only these tables may be read: " + String.join(", ", attached.allowedTables()) + ".";
        return switch (verb) {
            case SQL_QUERY -> "Runs one read-only SELECT on the " + db + " and returns {columns, rows, row_count, truncated}." + scope;
            case LIST_TABLES -> "Lists the tables of the " + db + " as {tables: [{schema, name, type}]}." + scope;
            case DESCRIBE_TABLE -> "Describes one table of the " + db + ": its columns with type, nullability and default." + scope;
        };
    }

    @Override
    public JsonNode parameters() {
        ObjectNode schema = json.createObjectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        switch (verb) {
            case SQL_QUERY -> {
                props.putObject("sql").put("type", "string").put("description", "One SELECT statement");
                props.putObject("limit").put("type", "integer").put("minimum", 1).put("description", "Most rows to return (default 100)");
                required.add("sql");
            }
            case LIST_TABLES -> {
            }
            case DESCRIBE_TABLE -> {
                props.putObject("table").put("type", "string").put("description", "Table name, optionally schema-qualified");
                required.add("table");
            }
        }
        return schema;
    }

    @Override
    public JsonNode call(JsonNode arguments, ToolContext context) throws ToolException {
        try {
            return switch (verb) {
                case SQL_QUERY -> sqlQuery(arguments);
                case LIST_TABLES -> listTables();
                case DESCRIBE_TABLE -> describe(arguments.path("table").asString(""));
            };
        } catch (SqlGuard.Refused e) {
            throw new ToolException("refused: " + e.getMessage(), false);
        } catch (OutboundGuard.Refused e) {
            throw new ToolException(e.getMessage(), false);
        } catch (CappedRows.TooLarge e) {
            throw new ToolException(e.getMessage(), false);
        } catch (SQLTimeoutException e) {
            throw new ToolException("the query ran past the statement timeout and was cancelled", false);
        } catch (SQLException e) {
            boolean connect = e.getSQLState() != null && e.getSQLState().startsWith("08");
            throw new ToolException((connect ? "cannot reach the database: " : "the database refused the query: ") + e.getMessage(), connect);
        }
    }

    private JsonNode sqlQuery(JsonNode arguments) throws SqlGuard.Refused, SQLException {
        String sql = arguments.path("sql").asString("").strip();
        while (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        SqlGuard.check(sql, attached.allowedTables());
        int limit = arguments.path("limit").isIntegralNumber() ? arguments.get("limit").asInt() : 100;
        return database.query(attached.integration(), sql, List.of(), limit);
    }

    private JsonNode listTables() throws SQLException {
        String kind = attached.integration().kind();
        String sql = switch (kind) {
            case "postgresql" -> PG_TABLES_SQL;
            case "h2" -> H2_TABLES_SQL;
            default -> MYSQL_TABLES_SQL;
        };
        ObjectNode result = database.query(attached.integration(), sql, List.of(), Integer.MAX_VALUE);
        ArrayNode tables = json.createArrayNode();
        for (JsonNode row : lowerKeys(result.path("rows"))) {
            String schema = row.path("table_schema").asString("");
            String name = row.path("table_name").asString("");
            if (attached.allowedTables() == null || allowed(kind, schema, name)) {
                tables.addObject().put("schema", schema).put("name", name).put("type", row.path("table_type").asString(""));
            }
        }
        ObjectNode out = json.createObjectNode();
        out.set("tables", tables);
        return out;
    }

    /** Whether a listed table is in allowed_tables; names as the database reports them. */
    private boolean allowed(String kind, String schema, String name) {
        List<String> allowed = attached.allowedTables();
        return switch (kind) {
            case "postgresql" -> SqlGuard.allowed("\"" + schema + "\".\"" + name + "\"", allowed);
            // H2 reports PUBLIC.CUSTOMERS for an unquoted customers: compare unquoted, as SqlGuard folds them
            case "h2" -> SqlGuard.allowed(schema + "." + name, allowed);
            default -> SqlGuard.allowed("\"" + schema + "\".\"" + name + "\"", allowed) || SqlGuard.allowed("\"" + name + "\"", allowed);
        };
    }

    /** PostgreSQL and H2 have a default schema, {@code public}; MySQL's schema is the URL's database. */
    private boolean schemas() {
        return !"mysql".equals(attached.integration().kind());
    }

    /** information_schema column labels are upper case on MySQL, MariaDB and H2. */
    private List<JsonNode> lowerKeys(JsonNode rows) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode row : rows) {
            ObjectNode lowered = json.createObjectNode();
            row.properties().forEach(e -> lowered.set(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
            out.add(lowered);
        }
        return out;
    }

    private JsonNode describe(String table) throws SqlGuard.Refused, SQLException {
        String normalized = SqlGuard.normalize(table);
        if (normalized.isBlank()) {
            throw new SqlGuard.Refused("table is required");
        }
        if (attached.allowedTables() != null && !SqlGuard.allowed(table, attached.allowedTables())) {
            throw new SqlGuard.Refused("table '" + table + "' is not in allowed_tables " + attached.allowedTables());
        }
        int dot = normalized.lastIndexOf('.');
        String schema = dot < 0 ? "" : normalized.substring(0, dot);
        String name = dot < 0 ? normalized : normalized.substring(dot + 1);
        if (schema.isEmpty() && attached.allowedTables() != null && schemas()) {
            schema = "public";
        }
        List<Object> params = new ArrayList<>(List.of(name, schema, schema));
        String sql = switch (attached.integration().kind()) {
            case "postgresql" -> PG_COLUMNS_SQL;
            case "h2" -> H2_COLUMNS_SQL;
            default -> MYSQL_COLUMNS_SQL;
        };
        ObjectNode result = database.query(attached.integration(), sql, params, Integer.MAX_VALUE);
        if (result.path("rows").isEmpty()) {
            throw new SqlGuard.Refused("no table '" + table + "'");
        }
        ObjectNode out = json.createObjectNode().put("table", table);
        ArrayNode columns = out.putArray("columns");
        for (JsonNode c : lowerKeys(result.path("rows"))) {
            ObjectNode column = columns.addObject().put("name", c.path("column_name").asString(""))
                    .put("type", c.path("data_type").asString("")).put("nullable", "YES".equalsIgnoreCase(c.path("is_nullable").asString("")));
            column.set("default", c.path("column_default"));
        }
        return out;
    }
}
