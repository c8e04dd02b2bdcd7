package dev.griddle.server.step;

/**
 * Executes one kind of step outside any transaction. Implementations are Spring beans; the engine
 * finds them by {@link #type()}. An executor may block (it runs on a virtual thread) and must
 * return promptly when interrupted (the run was cancelled or the step timed out).
 */
public interface StepExecutor {

    /** The step type handled, as written in runner definitions ({@code http}, {@code llm}, ...). */
    String type();

    StepOutcome execute(StepTask task) throws InterruptedException;
}
