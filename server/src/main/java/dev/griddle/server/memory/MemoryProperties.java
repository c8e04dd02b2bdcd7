package dev.griddle.server.memory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.memory.*}: the bounds of agents' memory. {@code max-text} (characters of one
 * entry; a turn indexed automatically is cut to it), {@code max-entries-per-agent} (over all its
 * users; a write past it is a 409, so that nothing is dropped silently), {@code max-top-k} (a
 * search's largest {@code top_k}).
 */
@ConfigurationProperties("griddle.memory")
public record MemoryProperties(@DefaultValue("4000") int maxText, @DefaultValue("10000") int maxEntriesPerAgent,
        @DefaultValue("50") int maxTopK) {

    public MemoryProperties {
        if (maxText < 1 || maxText > 100_000) {
            throw new IllegalArgumentException("griddle.memory.max-text must be between 1 and 100000, was " + maxText);
        }
        if (maxEntriesPerAgent < 1) {
            throw new IllegalArgumentException("griddle.memory.max-entries-per-agent must be at least 1, was " + maxEntriesPerAgent);
        }
        if (maxTopK < 1 || maxTopK > 1000) {
            throw new IllegalArgumentException("griddle.memory.max-top-k must be between 1 and 1000, was " + maxTopK);
        }
    }
}
