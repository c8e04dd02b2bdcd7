package dev.griddle.cli;

import dev.griddle.cli.Output.Column;
import dev.griddle.sdk.Models.ApiKey;
import dev.griddle.sdk.Models.CreateKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keys create|ls|revoke} (admin keys only). */
@Command(name = "keys", description = "API keys of the organization (admin keys only).", subcommands = {KeysCommand.Create.class,
        KeysCommand.Ls.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", description = "Create a key; its secret is printed this once.")
    static final class Create implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--role", required = true, description = "admin, contributor, viewer or worker")
        String role;
        @Option(names = "--project", converter = Ids.class, paramLabel = "ID", description = "Limit the key to this project (repeatable)")
        List<UUID> projects;
        @Option(names = "--expires", paramLabel = "INSTANT", description = "When the key stops working (2027-01-31T00:00:00Z)")
        Instant expires;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            ApiKey key = app.client().keys().create(new CreateKey(name, role, projects, expires));
            Output out = app.output(spec);
            out.one(key, new Column<ApiKey>("id", ApiKey::id), new Column<>("name", ApiKey::name), new Column<>("role", ApiKey::role),
                    new Column<>("projects", ApiKey::projectIds), new Column<>("expires", ApiKey::expiresAt), new Column<>("secret", ApiKey::secret));
            out.note("the secret is shown only this once: keep it now");
        }
    }

    @Command(name = "ls", description = "List keys (never their secrets).")
    static final class Ls implements Runnable {
        @Spec
        CommandSpec spec;
        @Mixin
        Paging paging;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            app.output(spec).page(app.client().keys().list(paging.request()), new Column<ApiKey>("ID", ApiKey::id),
                    new Column<>("NAME", ApiKey::name), new Column<>("ROLE", ApiKey::role), new Column<>("PREFIX", ApiKey::prefix),
                    new Column<>("PROJECTS", ApiKey::projectIds), new Column<>("EXPIRES", ApiKey::expiresAt),
                    new Column<>("REVOKED", ApiKey::revokedAt), new Column<>("CREATED", ApiKey::createdAt));
        }
    }

    @Command(name = "revoke", description = "Revoke a key: it stops working at once.")
    static final class Revoke implements Runnable {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "KEY", converter = Ids.class)
        UUID id;

        @Override
        public void run() {
            GriddleCli app = GriddleCli.of(spec);
            app.client().keys().revoke(id);
            Output out = app.output(spec);
            if (out.format() == Output.Format.json) {
                out.json(java.util.Map.of("id", id, "revoked", true));
            } else {
                out.line("revoked " + id);
            }
        }
    }
}
