package dev.griddle.server.secret;

import dev.griddle.server.step.StepOutcome;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Replaces every occurrence of any of an organization's secret values with {@code ***} before
 * Griddle stores or logs it: step outputs and errors, the events a step reports, worker log lines.
 * Values shorter than {@link #MIN_MASKED_LENGTH} characters are not masked: masking {@code "a"} or
 * {@code "42"} would shred every output while protecting nothing worth the name.
 */
@Component
public class SecretMasking {

    public static final String MASK = "***";
    static final int MIN_MASKED_LENGTH = 4;

    private final OrgSecrets secrets;

    SecretMasking(OrgSecrets secrets) {
        this.secrets = secrets;
    }

    /** {@code node} with every secret value masked in every string (deep); the same node when there was nothing to mask. */
    public JsonNode mask(UUID orgId, JsonNode node) {
        List<String> values = secrets.maskable(orgId);
        return values.isEmpty() || node == null ? node : JsonStrings.map(node, s -> mask(values, s));
    }

    public String mask(UUID orgId, String s) {
        List<String> values = secrets.maskable(orgId);
        return values.isEmpty() || s == null ? s : mask(values, s);
    }

    /** The outcome with its output, error and events masked. */
    public StepOutcome mask(UUID orgId, StepOutcome outcome) {
        List<String> values = secrets.maskable(orgId);
        if (values.isEmpty()) {
            return outcome;
        }
        StepOutcome.Trail trail = mask(values, outcome.trail());
        return switch (outcome) {
            case StepOutcome.Done done -> new StepOutcome.Done(JsonStrings.map(done.output(), s -> mask(values, s)), trail);
            case StepOutcome.Failed failed -> new StepOutcome.Failed(mask(values, failed.message()), failed.retryable(),
                    JsonStrings.map(failed.details(), s -> mask(values, s)), trail);
            case StepOutcome.BudgetExceeded over -> new StepOutcome.BudgetExceeded(mask(values, over.reason()), over.fail(), trail);
        };
    }

    private static StepOutcome.Trail mask(List<String> values, StepOutcome.Trail trail) {
        if (trail.events().isEmpty()) {
            return trail;
        }
        return new StepOutcome.Trail(trail.usage(), trail.events().stream()
                .map(e -> new StepOutcome.Event(e.type(), JsonStrings.map(e.data(), s -> mask(values, s)))).toList(), trail.calls());
    }

    private static String mask(List<String> values, String s) {
        if (s == null) {
            return null;
        }
        String out = s;
        for (String value : values) {
            if (out.contains(value)) {
                out = out.replace(value, MASK);
            }
        }
        return out;
    }
}
