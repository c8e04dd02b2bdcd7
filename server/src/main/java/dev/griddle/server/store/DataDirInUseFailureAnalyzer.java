package dev.griddle.server.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a second start on a busy data directory into Spring Boot's short "APPLICATION FAILED TO
 * START" report instead of a screen of nested bean-creation stack traces around one sentence.
 */
class DataDirInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirInUseException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Stop the other Griddle" + (cause.holderPid().isEmpty() ? "" : " (pid " + cause.holderPid() + ")")
                        + ", or start this one with another GRIDDLE_DATA_DIR, or with GRIDDLE_DATABASE_URL to share an external PostgreSQL.",
                cause);
    }
}
