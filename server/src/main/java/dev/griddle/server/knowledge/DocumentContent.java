package dev.griddle.server.knowledge;

import dev.griddle.server.outbound.GuardedGet;
import dev.griddle.server.web.FieldErrors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A document given as JSON, {@code text} or a {@code url}, read into its bytes: the one rule for
 * both ways in that carry no file (the API's {@code POST /knowledge} and apply bundles).
 * {@link #check} validates the pair, {@link #read} turns it into bytes (a URL fetched through
 * {@link UrlFetcher}, once).
 */
record DocumentContent(byte[] bytes, String source, String sourceUrl, String fileName, String contentType) {

    /** Text or a URL, checked for form: exactly one of the two. */
    record Given(String text, URI url) {
    }

    /** The pair checked: exactly one, text within {@code max-text-bytes}, the URL absolute http(s); null when problems were added. */
    static Given check(String text, String url, KnowledgeProperties props, FieldErrors errors) {
        boolean hasText = text != null && !text.isBlank();
        boolean hasUrl = url != null && !url.isBlank();
        if (hasText == hasUrl) {
            errors.add(hasText ? "url" : "text", hasText ? "give text or url, not both" : "required: text or url");
            return null;
        }
        if (hasText) {
            if (text.getBytes(StandardCharsets.UTF_8).length > props.maxTextBytes().toBytes()) {
                errors.add("text", "must be at most " + props.maxTextBytes().toBytes() + " bytes (griddle.knowledge.max-text-bytes)");
                return null;
            }
            return new Given(text, null);
        }
        URI parsed = parseUrl(url, errors);
        return parsed == null ? null : new Given(null, parsed);
    }

    /** The bytes of what was given: the text as UTF-8 Markdown, or the URL's body (a refused or failed fetch: 422 {@code URL_NOT_FETCHED}). */
    static DocumentContent read(Given given, UrlFetcher fetcher) {
        if (given.text() != null) {
            return new DocumentContent(given.text().getBytes(StandardCharsets.UTF_8), "text", null, null, "text/markdown");
        }
        GuardedGet.Fetched fetched = fetcher.fetch(given.url());
        return new DocumentContent(fetched.body(), "url", given.url().toString(), KnowledgeController.baseName(fetched.url().getPath()),
                fetched.contentType());
    }

    /** The SHA-256 of the bytes, as {@link DocumentIntake} keeps it to know the same content again. */
    String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI parseUrl(String text, FieldErrors errors) {
        try {
            URI url = URI.create(text.strip());
            if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
                errors.add("url", "must be an absolute http(s) URL");
                return null;
            }
            return url;
        } catch (IllegalArgumentException e) {
            errors.add("url", "is not a URL: " + e.getMessage());
            return null;
        }
    }
}
