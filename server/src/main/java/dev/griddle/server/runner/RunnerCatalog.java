package dev.griddle.server.runner;

import dev.griddle.server.auth.ProjectScope;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** What the run engine needs from runner definitions. */
public interface RunnerCatalog {

    /**
     * The version a new run uses: {@code version} when given; otherwise the latest published one,
     * after publishing the draft first when it differs from it (or nothing is published yet).
     *
     * {@code scope} is checked before anything is written: a runner outside it is a 404, and its
     * draft is not published.
     *
     * @throws dev.griddle.server.web.ApiException 404 for an unknown runner or version (or another
     *     organization's, or one outside {@code scope}), 422 when the draft to publish is invalid
     */
    PinnedRunner pinForRun(UUID orgId, UUID runnerId, Integer version, ProjectScope scope);

    /**
     * The version {@link #pinForRun} would pin, when that needs no write: {@code version} when
     * given and it exists, else the latest published one when the draft equals it. Empty when the
     * draft must be published first, or the runner or version is unknown or outside {@code scope}.
     */
    Optional<PinnedRunner> pinnedWithoutPublishing(UUID orgId, UUID runnerId, Integer version, ProjectScope scope);

    /** {@link #pinForRun(UUID, UUID, Integer, ProjectScope)} for every project of the organization. */
    default PinnedRunner pinForRun(UUID orgId, UUID runnerId, Integer version) {
        return pinForRun(orgId, runnerId, version, ProjectScope.ALL);
    }

    /** A published version, for the engine to reload a run's graph. */
    Optional<PinnedRunner> version(UUID orgId, UUID runnerId, int version);

    /**
     * Checks run input against the version's {@code input_schema} (JSON Schema 2020-12).
     *
     * @throws dev.griddle.server.web.ApiException 422 listing every violation
     */
    void validateInput(PinnedRunner runner, JsonNode input);
}
