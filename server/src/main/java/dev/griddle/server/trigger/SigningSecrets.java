package dev.griddle.server.trigger;

import dev.griddle.server.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Webhook signing secrets: made here, shown once, stored sealed by {@link SecretBox}. A signature
 * is {@code sha256=<hex HMAC-SHA256(secret, raw body)>}, the same for inbound webhooks and
 * outbound notifications.
 */
@Component
class SigningSecrets {

    static final String PREFIX = "sha256=";

    private final SecureRandom random = new SecureRandom();
    private final SecretBox box;

    SigningSecrets(SecretBox box) {
        this.box = box;
    }

    /** A fresh secret in plain text: {@code whsec_} and 32 random bytes. */
    String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String seal(String secret) {
        return box.encrypt(secret);
    }

    String open(String sealed) {
        return box.decrypt(sealed);
    }

    static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /** Whether {@code header} is a valid signature of {@code body} under {@code secret}; compares in constant time. */
    static boolean verifies(String secret, byte[] body, String header) {
        byte[] expected = hmac(secret, body);
        byte[] given = parse(header);
        return given != null && MessageDigest.isEqual(expected, given);
    }

    private static byte[] parse(String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(header.substring(PREFIX.length()).strip().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
