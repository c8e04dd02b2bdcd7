package dev.griddle.worker.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged worker ({@code griddle-worker.jar}) as a child process. */
public final class WorkerProcess extends ChildProcess {

    private WorkerProcess(String name, Map<String, String> env, List<String> args) {
        super(name, "griddle.worker.jar", env, args);
    }

    /** Starts a worker; the key goes through {@code GRIDDLE_WORKER_KEY}, as an operator would pass it. */
    public static WorkerProcess start(String name, String serverUrl, String key, String labels, int maxConcurrency) {
        return start(name, serverUrl, key, labels, maxConcurrency, List.of());
    }

    /** With further options, such as {@code --session-templates FILE --max-pods N}. */
    public static WorkerProcess start(String name, String serverUrl, String key, String labels, int maxConcurrency, List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--server", serverUrl, "--name", name, "--max-concurrency",
                Integer.toString(maxConcurrency), "--drain-timeout", "20s"));
        if (!labels.isEmpty()) {
            args.add("--labels");
            args.add(labels);
        }
        args.addAll(extra);
        return new WorkerProcess(name, Map.of("GRIDDLE_WORKER_KEY", key), args);
    }
}
