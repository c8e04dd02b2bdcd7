package dev.griddle.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Result lines: one compact JSON object per line on stdout, each with {@code scenario}, the parameters used and {@code ts}. */
final class Report {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final ProcessTreeRss rss;

    /** {@code rss}: the server's process tree, sampled when {@code --pid} was given; null otherwise. */
    Report(PrintStream out, ProcessTreeRss rss) {
        this.out = out;
        this.rss = rss;
    }

    /** Starts the peak RSS afresh (after a warm-up); nothing without {@code --pid}. */
    void resetPeak() {
        if (rss != null) {
            rss.resetPeak();
        }
    }

    /** A line for {@code scenario} holding its parameters; fill in the figures, then {@link #print}. */
    ObjectNode line(String scenario, Map<String, Object> parameters) {
        ObjectNode line = JSON.createObjectNode();
        line.put("scenario", scenario);
        parameters.forEach((name, value) -> line.set(name, JSON.valueToTree(value)));
        return line;
    }

    synchronized void print(ObjectNode line) {
        if (rss != null) {
            rss.sample();
            line.put("server_rss_peak_mib", ms(rss.peakMib()));
            line.put("server_rss_now_mib", ms(rss.lastMib()));
            line.put("server_pss_peak_mib", ms(rss.peakPssMib()));
            line.put("server_processes", rss.processes());
            line.put("server_cpu_s", ms(rss.cpuSeconds()));
        }
        line.put("ts", Instant.now().toString());
        out.println(JSON.writeValueAsString(line));
        out.flush();
    }

    /** Milliseconds rounded to 0.01 for reading; NaN stays out of JSON as null. */
    static Double ms(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 100) / 100.0;
    }

    /** Progress and diagnostics: stderr, never mixed into the result lines. */
    static void log(String format, Object... args) {
        System.err.printf("[bench %s] %s%n", Instant.now(), String.format(format, args));
    }
}
