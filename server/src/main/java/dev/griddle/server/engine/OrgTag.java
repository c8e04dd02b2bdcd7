package dev.griddle.server.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * How an organization is named on {@code /metrics}: the first 16 hex digits of the SHA-256 of its
 * id. {@code /metrics} needs no key, so it must not list tenants' ids; an operator who knows an id
 * computes its tag ({@code printf %s <org-id> | sha256sum | cut -c1-16}).
 */
final class OrgTag {

    private OrgTag() {
    }

    static String of(UUID orgId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(orgId.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
