package dev.griddle.server.llm;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * LangChain4j model objects by provider, base URL and API key, so a call does not rebuild its
 * model, bounded so that bring-your-own keys cannot grow it without end: at most
 * {@code griddle.llm.model-cache-size} models, each dropped after {@code griddle.llm.model-cache-idle}
 * unused. The cache is keyed by the key's SHA-256, never the key itself (the model object holds
 * the key, to send it, while it is cached). A model owns no threads or connections
 * ({@link ProviderTransport}), so dropping one costs only a rebuild on its next call.
 */
final class ModelCache<M> {

    /** Which model: the model name is not part of it, it goes with each request. */
    private record Key(Provider provider, String baseUrl, String apiKeySha256) {
    }

    private final Cache<Key, M> models;

    ModelCache(LlmProperties props) {
        this.models = Caffeine.newBuilder().maximumSize(props.modelCacheSize()).expireAfterAccess(props.modelCacheIdle())
                .executor(Runnable::run).build();
    }

    /** The cached model for this provider, base URL and key (either may be null), else what {@code build} makes. */
    M get(Provider provider, String baseUrl, String apiKey, Supplier<M> build) {
        return models.get(new Key(provider, baseUrl, sha256(apiKey)), k -> build.get());
    }

    private static String sha256(String apiKey) {
        if (apiKey == null) {
            return "";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
