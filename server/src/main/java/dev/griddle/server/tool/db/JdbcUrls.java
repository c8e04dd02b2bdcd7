package dev.griddle.server.tool.db;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parses an integration's JDBC URL into what it connects to (one host, one port, one database) and
 * a short allow-list of options, and builds the URL the driver is given from those parts alone.
 * The user's URL never reaches a driver: pgjdbc and MariaDB Connector/J take hosts from URL options
 * ({@code ?host=}, {@code PGHOST}, {@code service}, {@code socketFactory}, {@code localSocket},
 * {@code address=(...)}, host lists), so a URL whose visible host passed the outbound guard could
 * connect anywhere. Anything the parser does not know is refused, naming what was refused.
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

    /** The options each kind accepts, with the values each may take. */
    private static final Map<String, Map<String, Pattern>> OPTIONS = Map.of(
            "postgresql", Map.of(
                    "sslmode", Pattern.compile("disable|allow|prefer|require|verify-ca|verify-full"),
                    "ssl", Pattern.compile("true|false"),
                    "currentSchema", Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}(,[A-Za-z_][A-Za-z0-9_$]{0,62}){0,7}"),
                    "connectTimeout", Pattern.compile("[0-9]{1,4}"),
                    "loginTimeout", Pattern.compile("[0-9]{1,4}")),
            "mysql", Map.of(
                    "sslMode", Pattern.compile("disable|trust|verify-ca|verify-full"),
                    "useSsl", Pattern.compile("true|false"),
                    "useSSL", Pattern.compile("true|false"),
                    "connectTimeout", Pattern.compile("[0-9]{1,7}")),
            "h2", Map.of());

    /** Option names that carry credentials: they belong in the write-only {@code username} and {@code password} fields. */
    private static final Set<String> CREDENTIALS = Set.of("user", "username", "password", "passwd", "pwd", "sslpassword", "sslkey", "token",
            "access_token", "accesstoken", "apikey", "api_key", "secret");

    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("postgresql", 5432, "mysql", 3306, "h2", 9092);

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$][A-Za-z0-9_$.-]{0,62}");
    /** An H2 database path on its server: {@code mem:crm}, {@code ~/crm}, {@code ./data/crm}, {@code /srv/h2/crm}. */
    private static final Pattern H2_DATABASE = Pattern.compile("(?:mem:)?[A-Za-z0-9_$~./-]{1,200}");

    /**
     * What a JDBC URL connects to: {@code scheme} is the driver's ({@code postgresql},
     * {@code mariadb}, {@code h2:tcp}, {@code h2:ssl}), {@code host} a name, an IPv4 literal or a
     * bracketed IPv6 literal, {@code options} only allow-listed ones in the order given.
     */
    record Target(String kind, String scheme, String host, int port, String database, Map<String, String> options) {

        /** The URL the driver is given: built from the parsed parts, nothing else of the user's URL. */
        String driverUrl() {
            String query = options.isEmpty() ? ""
                    : "?" + options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
            return "jdbc:" + scheme + "://" + host + ":" + port + "/" + database + query;
        }

        /** The host and port, as a URI for the outbound guard. */
        URI address() {
            return URI.create("//" + host + ":" + port);
        }

        /** Whether credentials given for {@code before} may be sent to this target unchanged (same kind, host, port, database). */
        boolean sameDestination(Target before) {
            return kind.equals(before.kind) && host.equalsIgnoreCase(before.host) && port == before.port && database.equals(before.database);
        }
    }

    /** Thrown by {@link #parse} with what is wrong with the URL; the message never quotes an option's value. */
    static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    private JdbcUrls() {
    }

    /** Why {@code url} is not acceptable for {@code kind} (a known kind), or null when it is. */
    static String problem(String kind, String url) {
        try {
            parse(kind, url);
            return null;
        } catch (Invalid e) {
            return e.getMessage();
        }
    }

    /** Parses {@code url} as a URL of {@code kind} (a key of {@link #PREFIXES}). */
    static Target parse(String kind, String url) {
        List<String> prefixes = PREFIXES.get(kind);
        String prefix = prefixes.stream().filter(url::startsWith).findFirst().orElseThrow(() -> new Invalid("must start with "
                + String.join(" or ", prefixes) + (kind.equals("h2") ? " (a remote H2 server; embedded H2 databases would run inside the "
                        + "Griddle server)" : "") + ", was '" + shown(url) + "'"));
        if (kind.equals("h2") && url.indexOf(';') >= 0) {
            throw new Invalid("H2 URL settings (';...', such as INIT) are not accepted: they can run SQL or scripts when the connection opens");
        }
        if (url.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new Invalid("must not contain whitespace or control characters");
        }
        if (url.indexOf('%') >= 0) {
            throw new Invalid("percent-encoded characters ('%') are not accepted; write the URL's characters as they are");
        }
        String rest = url.substring(prefix.length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        int q = path.indexOf('?');
        String database = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? null : path.substring(q + 1);
        if (authority.indexOf('?') >= 0 || authority.indexOf('=') >= 0 || authority.indexOf('(') >= 0) {
            throw new Invalid("must name a host and a database as //host:port/database; options such as address=(...) are not accepted");
        }
        String[] hostPort = hostAndPort(authority);
        String host = hostPort[0];
        int port = hostPort[1] == null ? DEFAULT_PORTS.get(kind) : port(hostPort[1]);
        if (database.isEmpty()) {
            throw new Invalid("must name a database after the host, as //host:port/database");
        }
        if (!(kind.equals("h2") ? H2_DATABASE : DATABASE).matcher(database).matches()) {
            throw new Invalid(kind.equals("h2") ? "the H2 database must be a path such as mem:crm or ~/crm, was '" + shown(database) + "'"
                    : "the database name must be 1 to 63 of A-Z, a-z, 0-9, '_', '$', '.' and '-', was '" + shown(database) + "'");
        }
        String scheme = switch (kind) {
            case "mysql" -> "mariadb";
            case "h2" -> prefix.substring("jdbc:".length(), prefix.length() - "://".length());
            default -> kind;
        };
        return new Target(kind, scheme, host, port, database, options(kind, query));
    }

    private static String[] hostAndPort(String authority) {
        if (authority.isEmpty()) {
            throw new Invalid("must name a host, as //host:port/database");
        }
        if (authority.indexOf('@') >= 0) {
            throw new Invalid("must not carry credentials ('user:password@'): give them in the username and password fields, where the "
                    + "password is sealed and never shown");
        }
        if (authority.indexOf(',') >= 0) {
            throw new Invalid("names several hosts; an integration connects to one (no single host to check)");
        }
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0 || !IPV6.matcher(authority.substring(1, close)).matches()) {
                throw new Invalid("has a malformed IPv6 literal '" + shown(authority) + "'");
            }
            String after = authority.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new Invalid("has a malformed host '" + shown(authority) + "'");
            }
            return new String[] {authority.substring(0, close + 1).toLowerCase(Locale.ROOT), after.isEmpty() ? null : after.substring(1)};
        }
        int colon = authority.indexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        if (!HOST_NAME.matcher(host).matches() || host.length() > 253) {
            throw new Invalid("has a malformed host '" + shown(host) + "' (an IPv6 address goes in brackets, [::1])");
        }
        return new String[] {host.toLowerCase(Locale.ROOT), colon < 0 ? null : authority.substring(colon + 1)};
    }

    private static int port(String text) {
        if (!PORT.matcher(text).matches() || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new Invalid("has a malformed port '" + shown(text) + "' (1 to 65535)");
        }
        return Integer.parseInt(text);
    }

    private static Map<String, String> options(String kind, String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        Map<String, Pattern> allowed = OPTIONS.get(kind);
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (CREDENTIALS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new Invalid("must not carry credentials (option '" + shown(name) + "'): give them in the username and password fields, "
                        + "where the password is sealed and never shown");
            }
            Pattern values = allowed.get(name);
            if (values == null) {
                throw new Invalid("option '" + shown(name) + "' is not accepted" + (allowed.isEmpty() ? " (" + kind + " URLs take no options)"
                        : "; " + kind + " URLs take only " + allowed.keySet().stream().sorted().toList()));
            }
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (!values.matcher(value).matches()) {
                throw new Invalid("option '" + name + "' must match " + values.pattern());
            }
            if (out.putIfAbsent(name, value) != null) {
                throw new Invalid("option '" + name + "' is given twice");
            }
        }
        return out;
    }

    /** A piece of the URL for a message, cut short: the URL is not shown whole, it may hold what should not be echoed. */
    private static String shown(String part) {
        return part.length() > 80 ? part.substring(0, 80) + "..." : part;
    }
}
