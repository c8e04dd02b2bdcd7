package dev.griddle.server.tool.db;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Which JDBC URLs each integration kind accepts, and the host each connects to (for the outbound
 * guard). Checked when an integration is written and again before every connection.
 *
 * <p>H2 is accepted only as a client of a remote H2 server ({@code jdbc:h2:tcp://} or
 * {@code jdbc:h2:ssl://}) and without settings: the H2 driver is on the Griddle server's classpath,
 * so an embedded URL ({@code jdbc:h2:mem:}, {@code jdbc:h2:file:}, a bare path) would open a
 * database inside Griddle's own JVM, on its own disk, where SQL such as {@code CREATE ALIAS} runs
 * Java code; and URL settings such as {@code ;INIT=RUNSCRIPT FROM '...'} run SQL or scripts as
 * the connection opens.
 */
final class JdbcUrls {

    static final Map<String, List<String>> PREFIXES = Map.of("postgresql", List.of("jdbc:postgresql://"), "mysql",
            List.of("jdbc:mysql://", "jdbc:mariadb://"), "h2", List.of("jdbc:h2:tcp://", "jdbc:h2:ssl://"));

    private JdbcUrls() {
    }

    /** Why {@code url} is not acceptable for {@code kind} (a known kind), or null when it is. */
    static String problem(String kind, String url) {
        List<String> prefixes = PREFIXES.get(kind);
        if (prefixes.stream().noneMatch(url::startsWith)) {
            return "must start with " + String.join(" or ", prefixes) + (kind.equals("h2") ? " (a remote H2 server; embedded H2 databases "
                    + "would run inside the Griddle server)" : "") + ", was '" + url + "'";
        }
        if (kind.equals("h2")) {
            if (url.indexOf(';') >= 0) {
                return "H2 URL settings (';...', such as INIT) are not accepted: they can run SQL or scripts when the connection opens";
            }
            if (url.chars().anyMatch(Character::isWhitespace)) {
                return "must not contain whitespace";
            }
        }
        try {
            host(url);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /**
     * The host a JDBC URL connects to ({@code jdbc:postgresql://host:port/db} -> {@code host}), as
     * a URI for the outbound guard. A URL naming several hosts (failover lists) has no single host
     * and is refused, since only one would be checked.
     */
    static URI host(String jdbcUrl) {
        String rest = jdbcUrl.startsWith("jdbc:h2:") ? jdbcUrl.substring("jdbc:h2:".length())
                : jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring("jdbc:".length()) : jdbcUrl;
        URI uri;
        try {
            uri = URI.create(rest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot parse '" + jdbcUrl + "'");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no single host in '" + jdbcUrl + "'");
        }
        return uri;
    }
}
