package dev.griddle.server.agent;

import dev.griddle.server.web.FieldErrors;

/** The rules of a skill's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
final class SkillChecks {

    private SkillChecks() {
    }

    /** {@code creating}: every required field must be there; otherwise a field left out is not checked (it keeps its value). */
    static void check(SkillController.SkillBody body, boolean creating, String prefix, FieldErrors errors) {
        if (creating || body.name() != null) {
            errors.required(prefix + "name", body.name());
        }
        if (creating || body.instructions() != null) {
            errors.required(prefix + "instructions", body.instructions());
        }
        errors.maxLength(prefix + "name", body.name(), 200).maxLength(prefix + "description", body.description(), 10_000)
                .maxLength(prefix + "instructions", body.instructions(), 100_000);
    }
}
