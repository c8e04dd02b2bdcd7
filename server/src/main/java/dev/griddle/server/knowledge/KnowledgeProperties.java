package dev.griddle.server.knowledge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The knowledge settings, prefix {@code griddle.knowledge}. Limits at the edge: {@code max-upload-size}
 * (the upload route's own body limit; other routes keep {@code griddle.http.max-body-size}),
 * {@code max-text-bytes} (a text document sent as JSON counts against the JSON body limit too),
 * {@code max-url-bytes} and {@code url-fetch-timeout} (a document fetched from a URL),
 * {@code storage-quota} (original bytes per organization, over all its documents). Extraction:
 * {@code max-chars} (text one document may yield), {@code max-pages}, {@code max-compression-ratio}
 * (Tika's zip-bomb guard: output characters per input byte, checked once output passes a million
 * characters, and, before anything is stored, on the declared sizes of a ZIP container's entries).
 * Chunking: {@code chunk-chars} and {@code chunk-overlap}. Ingest: {@code ingest-threads} (parsing
 * shares the cores with the engine), {@code ingest-lease} (how long a node holds a document before
 * another may resume it), {@code max-attempts} (a document whose ingest keeps dying is failed).
 * Search: {@code max-top-k}, {@code full-text-rank-limit} (full-text matches ranked per search: a
 * question whose words are in most chunks is ranked within that many of its matches, so its cost
 * does not grow with the corpus).
 * Connections: {@code max-connected-scopes} (scopes one runner or agent may be connected to with
 * {@code PUT .../knowledge}).
 */
@ConfigurationProperties("griddle.knowledge")
public record KnowledgeProperties(
        @DefaultValue("50MB") DataSize maxUploadSize,
        @DefaultValue("1MB") DataSize maxTextBytes,
        @DefaultValue("10MB") DataSize maxUrlBytes,
        @DefaultValue("30s") Duration urlFetchTimeout,
        @DefaultValue("1GB") DataSize storageQuota,
        @DefaultValue("5000000") int maxChars,
        @DefaultValue("2000") int maxPages,
        @DefaultValue("100") int maxCompressionRatio,
        @DefaultValue("1200") int chunkChars,
        @DefaultValue("150") int chunkOverlap,
        @DefaultValue("1") int ingestThreads,
        @DefaultValue("10m") Duration ingestLease,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("true") boolean ingestEnabled,
        @DefaultValue("50") int maxTopK,
        @DefaultValue("500") int fullTextRankLimit,
        @DefaultValue("20") int maxConnectedScopes) {

    public KnowledgeProperties {
        positive("max-upload-size", maxUploadSize.toBytes());
        positive("max-text-bytes", maxTextBytes.toBytes());
        positive("max-url-bytes", maxUrlBytes.toBytes());
        positive("storage-quota", storageQuota.toBytes());
        positive("max-chars", maxChars);
        positive("max-pages", maxPages);
        positive("max-compression-ratio", maxCompressionRatio);
        positive("ingest-threads", ingestThreads);
        positive("max-attempts", maxAttempts);
        positive("max-top-k", maxTopK);
        positive("full-text-rank-limit", fullTextRankLimit);
        positive("max-connected-scopes", maxConnectedScopes);
        if (chunkChars < 200) {
            throw new IllegalArgumentException("griddle.knowledge.chunk-chars must be at least 200, was " + chunkChars);
        }
        if (chunkOverlap < 0 || chunkOverlap >= chunkChars / 2) {
            throw new IllegalArgumentException("griddle.knowledge.chunk-overlap must be 0 to half of chunk-chars, was " + chunkOverlap);
        }
        if (ingestLease.toSeconds() < 10) {
            throw new IllegalArgumentException("griddle.knowledge.ingest-lease must be at least 10s, was " + ingestLease);
        }
        if (urlFetchTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("griddle.knowledge.url-fetch-timeout must be at least 100ms, was " + urlFetchTimeout);
        }
        if (maxUrlBytes.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("griddle.knowledge.max-url-bytes must be under 2GB, was " + maxUrlBytes);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException("griddle.knowledge." + name + " must be at least 1, was " + value);
        }
    }
}
