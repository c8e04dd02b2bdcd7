package dev.griddle.server.knowledge;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code griddle.knowledge.vectors.*}: how chunks get their vectors and how hybrid search uses
 * them. {@code enabled} (false: no embedding, no index, full-text alone), {@code embed-batch}
 * (chunks read, embedded and written per transaction of the embedding loop; the embedder splits
 * them into its own batches and bounds its own threads), {@code candidates} (hits taken from each
 * side, full-text and vectors, before fusion; at least {@code top_k}), {@code min-similarity}
 * (a vector hit below this cosine is no hit: without it every query "finds" the nearest chunk,
 * however unrelated).
 */
@ConfigurationProperties("griddle.knowledge.vectors")
public record VectorSearchProperties(@DefaultValue("true") boolean enabled, @DefaultValue("16") int embedBatch,
        @DefaultValue("20") int candidates, @DefaultValue("0.2") double minSimilarity) {

    public VectorSearchProperties {
        if (embedBatch < 1 || embedBatch > 1000) {
            throw new IllegalArgumentException("griddle.knowledge.vectors.embed-batch must be between 1 and 1000, was " + embedBatch);
        }
        if (candidates < 1 || candidates > 1000) {
            throw new IllegalArgumentException("griddle.knowledge.vectors.candidates must be between 1 and 1000, was " + candidates);
        }
        if (minSimilarity < -1 || minSimilarity > 1) {
            throw new IllegalArgumentException("griddle.knowledge.vectors.min-similarity must be between -1 and 1, was " + minSimilarity);
        }
    }
}
