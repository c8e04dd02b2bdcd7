package dev.griddle.server.tool.mcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MCP client settings, prefix {@code griddle.mcp}: {@code request-timeout} (one MCP request,
 * initialization included), {@code tools-ttl} (how long a server's tool list is reused before it
 * is listed again; a {@code list_changed} notification drops it at once).
 *
 * <p>stdio servers are processes the Griddle server starts, so they run with its rights on its
 * machine, on behalf of whichever organization registered them: off unless the operator sets
 * {@code stdio-enabled}, and then only the command lines pinned in {@code stdio-commands}. Each
 * entry is a whole command line, the command and then its arguments, separated by spaces:
 * {@code /opt/mcp/files-server --root /srv/shared} allows exactly that argv. An argument written
 * {@code {regex}} matches one argument that matches the regex in full; {@code {regex}*} as the last
 * token matches any number of further arguments, each matching it. A command listed without
 * arguments runs only without arguments. {@code *} alone allows any command with any arguments, for
 * a single-tenant server whose every admin may run code on it. Enabling stdio without entries stops
 * start-up rather than silently allowing everything, and so does a regex that does not compile.
 * Children run in {@code stdio-work-dir}/{@code <server id>} (default: a {@code griddle-mcp}
 * folder in the system's temporary directory), which must lie outside the data directory.
 */
@ConfigurationProperties("griddle.mcp")
public record McpProperties(
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue("5m") Duration toolsTtl,
        @DefaultValue("false") boolean stdioEnabled,
        List<String> stdioCommands,
        Path stdioWorkDir) {

    /** One pinned command line: the command, the argument matchers, and a matcher for any further arguments (or null). */
    record StdioCommand(String command, List<Pattern> args, Pattern rest) {

        boolean matches(String cmd, List<String> given) {
            if (!command.equals(cmd) || given.size() < args.size() || (rest == null && given.size() != args.size())) {
                return false;
            }
            for (int i = 0; i < given.size(); i++) {
                Pattern p = i < args.size() ? args.get(i) : rest;
                if (given.get(i) == null || !p.matcher(given.get(i)).matches()) {
                    return false;
                }
            }
            return true;
        }

        /** The entry as the operator wrote it, for messages. */
        String shown() {
            StringBuilder out = new StringBuilder(command);
            args.forEach(p -> out.append(' ').append(shown(p)));
            if (rest != null) {
                out.append(' ').append(shown(rest)).append('*');
            }
            return out.toString();
        }

        private static String shown(Pattern p) {
            String literal = p.pattern();
            return literal.startsWith("\\Q") && literal.endsWith("\\E") ? literal.substring(2, literal.length() - 2) : "{" + literal + "}";
        }
    }

    public McpProperties {
        if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("griddle.mcp.request-timeout must be at least 100ms, was " + requestTimeout);
        }
        if (toolsTtl.isNegative()) {
            throw new IllegalArgumentException("griddle.mcp.tools-ttl must not be negative, was " + toolsTtl);
        }
        stdioCommands = stdioCommands == null ? List.of() : stdioCommands.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
        if (stdioEnabled && stdioCommands.isEmpty()) {
            throw new IllegalArgumentException("griddle.mcp.stdio-enabled=true needs griddle.mcp.stdio-commands (GRIDDLE_MCP_STDIO_COMMANDS): "
                    + "the command lines stdio MCP servers may run, comma separated, or '*' for any command");
        }
        for (int i = 0; i < stdioCommands.size(); i++) {
            parse(stdioCommands.get(i), i);
        }
        stdioWorkDir = (stdioWorkDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "griddle-mcp") : stdioWorkDir).toAbsolutePath()
                .normalize();
    }

    /** Whether a stdio server may run {@code command} with {@code args}: stdio is enabled and an entry pins that argv (or {@code *} is listed). */
    boolean stdioAllows(String command, List<String> args) {
        return stdioEnabled && (stdioCommands.contains("*") || pinned().stream().anyMatch(c -> c.matches(command, args)));
    }

    /** Whether any entry names {@code command}, whatever its arguments. */
    boolean stdioListsCommand(String command) {
        return stdioCommands.contains("*") || pinned().stream().anyMatch(c -> c.command().equals(command));
    }

    /** The entries for {@code command}, as written, for messages. */
    List<String> stdioEntriesFor(String command) {
        return pinned().stream().filter(c -> c.command().equals(command)).map(StdioCommand::shown).toList();
    }

    private List<StdioCommand> pinned() {
        List<StdioCommand> out = new ArrayList<>();
        for (int i = 0; i < stdioCommands.size(); i++) {
            if (!stdioCommands.get(i).equals("*")) {
                out.add(parse(stdioCommands.get(i), i));
            }
        }
        return out;
    }

    private static StdioCommand parse(String entry, int index) {
        if (entry.equals("*")) {
            return null;
        }
        String[] tokens = entry.split("\\s+");
        List<Pattern> args = new ArrayList<>();
        Pattern rest = null;
        for (int t = 1; t < tokens.length; t++) {
            String token = tokens[t];
            boolean repeated = token.startsWith("{") && token.endsWith("}*");
            if (repeated && t != tokens.length - 1) {
                throw new IllegalArgumentException("griddle.mcp.stdio-commands[" + index + "] '" + entry + "': '" + token
                        + "' (any number of arguments) must be the last token");
            }
            Pattern p;
            if (token.startsWith("{") && (token.endsWith("}") || repeated)) {
                String regex = token.substring(1, token.length() - (repeated ? 2 : 1));
                try {
                    p = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("griddle.mcp.stdio-commands[" + index + "] '" + entry + "': '" + regex
                            + "' is not a valid regex: " + e.getDescription());
                }
            } else {
                p = Pattern.compile(Pattern.quote(token));
            }
            if (repeated) {
                rest = p;
            } else {
                args.add(p);
            }
        }
        return new StdioCommand(tokens[0], List.copyOf(args), rest);
    }
}
