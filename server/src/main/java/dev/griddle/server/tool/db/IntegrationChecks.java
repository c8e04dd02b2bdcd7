package dev.griddle.server.tool.db;

import dev.griddle.server.tool.OutboundGuard;
import dev.griddle.server.web.FieldErrors;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The rules of an integration's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
@Component
class IntegrationChecks {

    /** The tool name suffix {@code __describe_table} is 16 characters; providers accept 64. No {@code __}: it separates name and verb. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,47}");

    private final OutboundGuard guard;

    IntegrationChecks(OutboundGuard guard) {
        this.guard = guard;
    }

    void check(IntegrationController.IntegrationBody body, String prefix, FieldErrors errors) {
        errors.required(prefix + "name", body.name());
        if (body.name() != null && !body.name().isBlank() && !NAME.matcher(body.name()).matches()) {
            errors.add(prefix + "name", "must be 1 to 48 of A-Z, a-z, 0-9, '_' and '-', starting with a letter or digit, without '__'; was '"
                    + body.name() + "'");
        }
        errors.required(prefix + "kind", body.kind());
        if (body.kind() != null && !JdbcUrls.PREFIXES.containsKey(body.kind())) {
            errors.add(prefix + "kind", "must be one of " + JdbcUrls.PREFIXES.keySet().stream().sorted().toList() + ", was '" + body.kind() + "'");
        }
        errors.required(prefix + "url", body.url());
        if (body.url() != null && body.kind() != null && JdbcUrls.PREFIXES.containsKey(body.kind())) {
            String problem = JdbcUrls.problem(body.kind(), body.url());
            if (problem != null) {
                errors.add(prefix + "url", problem);
            } else {
                try {
                    guard.check(JdbcUrls.host(body.url()));
                } catch (IllegalArgumentException | OutboundGuard.Refused e) {
                    errors.add(prefix + "url", e.getMessage());
                }
            }
        }
        errors.maxLength(prefix + "username", body.username(), 200);
        errors.maxLength(prefix + "password", body.password(), 1000);
    }
}
