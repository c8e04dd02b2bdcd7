package dev.griddle.server.interop;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.interop.*}: the bounds of the MCP server and the A2A agents. {@code call-wait}:
 * how long an MCP tool call (or a blocking A2A {@code message/send}) waits for its run or answer
 * before it returns what to follow instead. {@code max-tools}: how many runners and how many agents
 * one key's tool list shows (each, oldest first). {@code max-listed-runs}: how many recent runs
 * {@code resources/list} shows. {@code max-document-chunks}: how many chunks a knowledge resource
 * reads. {@code max-stream}: how long an A2A {@code message/stream} stays open.
 */
@ConfigurationProperties("griddle.interop")
public record InteropProperties(
        @DefaultValue("30s") Duration callWait,
        @DefaultValue("200") int maxTools,
        @DefaultValue("50") int maxListedRuns,
        @DefaultValue("200") int maxDocumentChunks,
        @DefaultValue("30m") Duration maxStream) {

    public InteropProperties {
        if (callWait.isNegative() || callWait.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("griddle.interop.call-wait must be between 0 and 10m, was " + callWait);
        }
        check("max-tools", maxTools, 1000);
        check("max-listed-runs", maxListedRuns, 1000);
        check("max-document-chunks", maxDocumentChunks, 10_000);
        if (maxStream.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("griddle.interop.max-stream must be at least 1s, was " + maxStream);
        }
    }

    private static void check(String name, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("griddle.interop." + name + " must be between 1 and " + max + ", was " + value);
        }
    }
}
