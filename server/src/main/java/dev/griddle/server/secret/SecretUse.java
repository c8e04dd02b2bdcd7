package dev.griddle.server.secret;

import java.util.UUID;

/**
 * Where secrets are used: the organization, the project of the run or thread (null = in none) and
 * what placeholders are bound to. A placeholder is revealed only under the binding it was made
 * for, so one copied out of a step's output, events or a model's tool arguments into another step,
 * run input or call stays text.
 *
 * @param binding a run's step ({@code run:<id>:<step>}), or a nonce for one tool call
 */
public record SecretUse(UUID orgId, UUID projectId, String binding) {

    /** The step of a run: what its rendered arguments may carry to an http request or a worker. */
    public static SecretUse step(UUID orgId, UUID projectId, UUID runId, String stepId) {
        return new SecretUse(orgId, projectId, "run:" + runId + ":" + stepId);
    }

    /** One call (a custom HTTP tool rendering its own request): bound to a fresh nonce nothing else can hold. */
    public static SecretUse once(UUID orgId, UUID projectId) {
        return new SecretUse(orgId, projectId, "once:" + UUID.randomUUID());
    }
}
