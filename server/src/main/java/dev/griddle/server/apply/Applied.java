package dev.griddle.server.apply;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.UUID;

/**
 * One object of a bundle in the apply result. {@code runner}, {@code ingressUrl} and
 * {@code signingSecret} are for triggers (the secret only for a created webhook, once);
 * {@code changed} names the fields an update changes.
 */
public record Applied(String kind, String name, UUID id, String runner, String ingressUrl, String signingSecret,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> changed) {

    public static Applied of(String kind, String name, UUID id, List<String> changed) {
        return new Applied(kind, name, id, null, null, null, changed == null ? List.of() : List.copyOf(changed));
    }

    /** What a dry run shows: no id nor ingress URL for what does not exist yet, never a secret. */
    Applied dryRun(Action action) {
        boolean fresh = action == Action.CREATE;
        return new Applied(kind, name, fresh ? null : id, runner, fresh ? null : ingressUrl, null, changed);
    }
}
