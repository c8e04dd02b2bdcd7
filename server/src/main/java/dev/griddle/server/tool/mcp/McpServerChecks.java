package dev.griddle.server.tool.mcp;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.web.FieldErrors;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The rules of an MCP server's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
@Component
class McpServerChecks {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]|_(?!_)){0,29}");
    private static final Set<String> TRANSPORTS = Set.of("streamable_http", "sse", "stdio");

    private final OutboundGuard guard;
    private final McpProperties props;

    McpServerChecks(OutboundGuard guard, McpProperties props) {
        this.guard = guard;
        this.props = props;
    }

    /**
     * Stored headers are sent only where they were given for: a change of the URL's scheme, host
     * or port (or from stdio to a URL) needs them again, or {@code {}} to send none; they would
     * otherwise go to whoever the new URL names.
     */
    void checkHeadersFollow(McpServerRow current, McpServerController.McpServerBody desired, boolean headersGiven, String prefix,
            FieldErrors errors) {
        if (!headersGiven && current.headersSealed() != null && !"stdio".equals(desired.transport())
                && !McpUrls.sameOrigin(current.url(), desired.url())) {
            errors.add(prefix + "headers", "required again: the url now points at another origin (scheme, host or port) than the stored "
                    + "headers were given for; send them again, or {} to send none");
        }
    }

    void check(McpServerController.McpServerBody body, String prefix, FieldErrors errors) {
        errors.required(prefix + "name", body.name());
        errors.maxLength(prefix + "name", body.name(), 200);
        errors.required(prefix + "slug", body.slug());
        if (body.slug() != null && !body.slug().isBlank() && !SLUG.matcher(body.slug()).matches()) {
            errors.add(prefix + "slug", "must be 1 to 30 of a-z, 0-9, '_' and '-', starting with a letter or digit, without '__'; was '"
                    + body.slug() + "'");
        }
        errors.required(prefix + "transport", body.transport());
        if (body.transport() != null && !TRANSPORTS.contains(body.transport())) {
            errors.add(prefix + "transport", "must be one of " + TRANSPORTS.stream().sorted().toList() + ", was '" + body.transport() + "'");
        }
        if ("stdio".equals(body.transport())) {
            errors.required(prefix + "command", body.command());
            if (!props.stdioEnabled()) {
                errors.add(prefix + "transport", "stdio servers are disabled on this server; an operator may set griddle.mcp.stdio-enabled=true");
            } else if (body.command() != null && !body.command().isBlank() && !props.stdioListsCommand(body.command())) {
                errors.add(prefix + "command", "'" + body.command() + "' is not one of the commands this server lets stdio MCP servers run "
                        + "(an operator lists them in griddle.mcp.stdio-commands)");
            } else if (body.command() != null && !body.command().isBlank()
                    && !props.stdioAllows(body.command(), body.args() == null ? List.of() : body.args())) {
                errors.add(prefix + "args", "do not match the command lines this server pins for '" + body.command() + "' "
                        + props.stdioEntriesFor(body.command()) + " (an operator sets them in griddle.mcp.stdio-commands)");
            }
        } else if (body.transport() != null) {
            errors.required(prefix + "url", body.url());
            if (body.url() != null && !body.url().isBlank()) {
                try {
                    URI url = URI.create(body.url());
                    if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
                        errors.add(prefix + "url", "must be an http(s) URL, was '" + McpUrls.redacted(body.url()) + "'");
                    } else {
                        guard.check(url);
                    }
                } catch (IllegalArgumentException | OutboundGuard.Refused e) {
                    errors.add(prefix + "url", e.getMessage());
                }
            }
        }
    }
}
