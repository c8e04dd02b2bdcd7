package dev.griddle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The resident memory of processes and all their descendants (the server and its embedded
 * PostgreSQL: postmaster, backends, background workers), read from {@code /proc/<pid>/stat}
 * every {@code intervalMs} by a daemon thread; keeps the peak. Linux only. The RSS sum counts
 * shared pages (PostgreSQL's shared buffers) once per process that touched them, as {@code ps} and
 * {@code ../shared/peers/bench.js} do, so it is an upper bound of what the tree costs the machine;
 * the PSS sum ({@code /proc/<pid>/smaps_rollup}, shared pages divided among their users) is what it
 * costs.
 */
final class ProcessTreeRss {

    private static final long PAGE = 4096;

    private final List<Long> roots;
    private volatile long peakBytes;
    private volatile long lastBytes;
    private volatile long peakPssBytes;
    private volatile long lastPssBytes;
    private volatile int lastProcesses;
    private volatile long lastCpuTicks;
    private volatile long cpuTicksAtReset;

    private ProcessTreeRss(List<Long> roots) {
        this.roots = roots;
    }

    /**
     * {@code pids}: comma-separated roots, e.g. the server and its embedded PostgreSQL's postmaster
     * (which {@code pg_ctl} detaches from the server, so it is not the server's descendant).
     */
    static ProcessTreeRss start(String pids, long intervalMs) {
        List<Long> roots = new ArrayList<>();
        for (String part : pids.split(",")) {
            long pid;
            try {
                pid = Long.parseLong(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--pid must be process ids separated by commas, was '" + pids + "'");
            }
            if (!Files.isDirectory(Path.of("/proc", Long.toString(pid)))) {
                throw new IllegalArgumentException("--pid " + pid + ": no such process (or no /proc)");
            }
            roots.add(pid);
        }
        ProcessTreeRss rss = new ProcessTreeRss(List.copyOf(roots));
        rss.sample();
        Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
            while (true) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                rss.sample();
            }
        });
        return rss;
    }

    synchronized void sample() {
        Map<Long, List<Long>> children = new HashMap<>();
        Map<Long, Long> rssPages = new HashMap<>();
        Map<Long, Long> cpuTicks = new HashMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    // fields after the command (which may hold spaces) in parentheses: state ppid ... rss is field 24
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long pid = Long.parseLong(p.getFileName().toString());
                    children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(pid);
                    rssPages.put(pid, Long.parseLong(f[21]));
                    // utime + stime of the process and of its children that were waited for (backends that exited)
                    cpuTicks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]));
                } catch (IOException | RuntimeException e) {
                    // the process ended while being read
                }
            });
        } catch (IOException e) {
            return;
        }
        Set<Long> tree = new HashSet<>();
        List<Long> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            long pid = todo.removeLast();
            if (tree.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        long bytes = tree.stream().mapToLong(pid -> rssPages.getOrDefault(pid, 0L)).sum() * PAGE;
        long pss = tree.stream().mapToLong(ProcessTreeRss::pssBytes).sum();
        lastBytes = bytes;
        lastPssBytes = pss;
        lastCpuTicks = tree.stream().mapToLong(pid -> cpuTicks.getOrDefault(pid, 0L)).sum();
        lastProcesses = tree.size();
        peakBytes = Math.max(peakBytes, bytes);
        peakPssBytes = Math.max(peakPssBytes, pss);
    }

    private static long pssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.substring(4).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // ended, or not readable
        }
        return 0;
    }

    /** Starts a new peak from the current value (after a warm-up, say). */
    synchronized void resetPeak() {
        sample();
        peakBytes = lastBytes;
        peakPssBytes = lastPssBytes;
        cpuTicksAtReset = lastCpuTicks;
    }

    /** CPU time (user + system, all processes of the tree) since the last {@link #resetPeak}, in seconds (USER_HZ 100). */
    double cpuSeconds() {
        return (lastCpuTicks - cpuTicksAtReset) / 100.0;
    }

    double peakPssMib() {
        return peakPssBytes / 1048576.0;
    }

    double peakMib() {
        return peakBytes / 1048576.0;
    }

    double lastMib() {
        return lastBytes / 1048576.0;
    }

    int processes() {
        return lastProcesses;
    }
}
