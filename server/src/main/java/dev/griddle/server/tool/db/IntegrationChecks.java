package dev.griddle.server.tool.db;

import dev.griddle.server.outbound.OutboundGuard;
import dev.griddle.server.web.FieldErrors;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/** The rules of an integration's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
@Component
class IntegrationChecks {

    /** The tool name suffix {@code __describe_table} is 16 characters; providers accept 64. No {@code __}: it separates name and verb. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,47}");

    private final OutboundGuard guard;
    private final ReadOnlyDatabase database;

    IntegrationChecks(OutboundGuard guard, ReadOnlyDatabase database) {
        this.guard = guard;
        this.database = database;
    }

    /**
     * An h2 integration whose user can write is refused when it is written, if the server can be
     * reached with the given credentials; it is refused again at every connection either way.
     */
    void checkH2ReadOnly(Integration candidate, String prefix, FieldErrors errors) {
        if (!"h2".equals(candidate.kind())) {
            return;
        }
        try {
            database.checkReadOnly(candidate);
        } catch (ReadOnlyDatabase.WritableUser e) {
            errors.add(prefix + "username", e.getMessage());
        } catch (java.sql.SQLException | RuntimeException unreachableOrRefused) {
            // judged at the first connection, which fails the same way until the details are fixed
        }
    }

    /**
     * A stored password is sent only to the database it was given for: a change of the kind, host,
     * port or database needs it again (or {@code null} to connect without one); it would otherwise
     * go to whoever the new URL names, and a server that asks for cleartext authentication gets it.
     */
    void checkPasswordFollows(Integration current, IntegrationController.IntegrationBody desired, boolean passwordGiven, String prefix,
            FieldErrors errors) {
        if (passwordGiven || current.passwordSealed() == null || desired.kind() == null || desired.url() == null) {
            return;
        }
        boolean same;
        try {
            same = JdbcUrls.parse(desired.kind(), desired.url()).sameDestination(JdbcUrls.parse(current.kind(), current.url()));
        } catch (JdbcUrls.Invalid e) {
            same = false;
        }
        if (!same) {
            errors.add(prefix + "password", "required again: the url now points at another database (kind, host, port or database) than "
                    + "the stored password was given for; send it again, or null to connect without one");
        }
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
            try {
                guard.check(JdbcUrls.parse(body.kind(), body.url()).address());
            } catch (JdbcUrls.Invalid | OutboundGuard.Refused e) {
                errors.add(prefix + "url", e.getMessage());
            }
        }
        errors.maxLength(prefix + "username", body.username(), 200);
        errors.maxLength(prefix + "password", body.password(), 1000);
    }
}
