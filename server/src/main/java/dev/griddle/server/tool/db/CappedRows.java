package dev.griddle.server.tool.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Base64;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads a result set into {@code {columns, rows, row_count, truncated}} within three limits: at
 * most {@code cap} rows (more set {@code truncated}), no value over {@code max-cell-size} and all
 * values together under {@code max-result-size} (either fails the call with {@link TooLarge}).
 * Text and binary values are read through capped streams, so Griddle itself never copies more
 * than the limit of a value; what the driver holds before the stream is bounded by the driver
 * settings {@link ReadOnlyDatabase} applies (see docs/connections.md, "Limits").
 */
final class CappedRows {

    /** A value, or the result as a whole, is over a size limit; the message names the setting. */
    static final class TooLarge extends SQLException {
        TooLarge(String message) {
            super(message, "54000"); // program_limit_exceeded
        }
    }

    private final long maxCell;
    private final long maxResult;
    private final JsonMapper json;

    CappedRows(IntegrationProperties props, JsonMapper json) {
        this.maxCell = props.maxCellSize().toBytes();
        this.maxResult = props.maxResultSize().toBytes();
        this.json = json;
    }

    /** The result as JSON; throws {@link TooLarge} as soon as a value or the running total passes its limit. */
    ObjectNode read(ResultSet rs, int cap) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        ObjectNode out = json.createObjectNode();
        ArrayNode columns = out.putArray("columns");
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.addObject().put("name", md.getColumnLabel(i)).put("type", md.getColumnTypeName(i));
        }
        ArrayNode rows = out.putArray("rows");
        boolean truncated = false;
        long total = 0;
        while (rs.next()) {
            if (rows.size() == cap) {
                truncated = true;
                break;
            }
            ObjectNode row = rows.addObject();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnLabel(i);
                Cell cell = cell(rs, i, md.getColumnType(i), md.getColumnTypeName(i), name, rows.size());
                total += cell.bytes();
                if (total > maxResult) {
                    throw resultTooLarge(maxResult, ", at row " + rows.size());
                }
                put(row, name, cell.value());
            }
        }
        out.put("row_count", rows.size()).put("truncated", truncated);
        return out;
    }

    /** The message of a result over {@code max-result-size}; {@code where} says how far it got. */
    static TooLarge resultTooLarge(long limit, String where) {
        return new TooLarge("the result is over the limit of " + limit + " bytes (griddle.integrations.max-result-size)" + where
                + ": select fewer columns, shorter values (e.g. left(column, 1000)) or fewer rows (limit)");
    }

    /** One value and the bytes it counts for. */
    private record Cell(Object value, long bytes) {
    }

    private Cell cell(ResultSet rs, int i, int sqlType, String typeName, String column, int row) throws SQLException {
        if (opaque(sqlType)) {
            return bytes(rs.getBytes(i), column, row);
        }
        if (binary(sqlType) && !"UUID".equalsIgnoreCase(typeName)) {
            try (InputStream in = rs.getBinaryStream(i)) {
                return in == null ? new Cell(null, 0) : bytes(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxCell + 1)), column, row);
            } catch (IOException e) {
                throw new SQLException("cannot read column '" + column + "': " + e.getMessage(), e);
            }
        }
        if (text(sqlType)) {
            try (Reader in = rs.getCharacterStream(i)) {
                return in == null ? new Cell(null, 0) : text(in, column, row);
            } catch (IOException e) {
                throw new SQLException("cannot read column '" + column + "': " + e.getMessage(), e);
            }
        }
        Object v = rs.getObject(i);
        long size = v == null ? 0 : v.toString().length();
        if (size > maxCell) {
            throw cellTooLarge(column, row);
        }
        return new Cell(v, size);
    }

    private Cell bytes(byte[] bytes, String column, int row) throws TooLarge {
        if (bytes == null) {
            return new Cell(null, 0);
        }
        if (bytes.length > maxCell) {
            throw cellTooLarge(column, row);
        }
        return new Cell(Base64.getEncoder().encodeToString(bytes), bytes.length);
    }

    /** Reads at most {@code max-cell-size + 1} characters: a UTF-8 byte per character at least. */
    private Cell text(Reader in, String column, int row) throws IOException, TooLarge {
        StringBuilder s = new StringBuilder();
        char[] buf = new char[8192];
        for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, maxCell + 1 - s.length()))) > 0; ) {
            s.append(buf, 0, n);
            if (s.length() > maxCell) {
                throw cellTooLarge(column, row);
            }
        }
        String value = s.toString();
        long bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxCell) {
            throw cellTooLarge(column, row);
        }
        return new Cell(value, bytes);
    }

    private TooLarge cellTooLarge(String column, int row) {
        return new TooLarge("the value of column '" + column + "' in row " + row + " is over the limit of " + maxCell
                + " bytes (griddle.integrations.max-cell-size): select part of it, e.g. left(" + column + ", 1000)");
    }

    /**
     * Serialized Java objects are read as bytes, never through {@code getObject}, which would
     * deserialize whatever the (remote, possibly hostile) database sent inside Griddle's JVM.
     */
    private static boolean opaque(int sqlType) {
        return sqlType == Types.JAVA_OBJECT || sqlType == Types.STRUCT || sqlType == Types.REF || sqlType == Types.DATALINK;
    }

    private static boolean binary(int sqlType) {
        return sqlType == Types.BINARY || sqlType == Types.VARBINARY || sqlType == Types.LONGVARBINARY || sqlType == Types.BLOB;
    }

    /** Types whose values can be long: strings, CLOBs, XML, and driver types such as PostgreSQL's json. */
    private static boolean text(int sqlType) {
        return switch (sqlType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB,
                    Types.SQLXML, Types.OTHER -> true;
            default -> false;
        };
    }

    private static void put(ObjectNode row, String name, Object v) {
        switch (v) {
            case null -> row.putNull(name);
            case Boolean b -> row.put(name, b);
            case Integer i -> row.put(name, i);
            case Long l -> row.put(name, l);
            case Short s -> row.put(name, s);
            case Double d -> row.put(name, d);
            case Float f -> row.put(name, f);
            case BigDecimal d -> row.put(name, d);
            case BigInteger i -> row.put(name, i);
            default -> row.put(name, v.toString());
        }
    }
}
