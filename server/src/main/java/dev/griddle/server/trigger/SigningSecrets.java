package dev.griddle.server.trigger;

import dev.griddle.server.secret.SecretBox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Webhook signing secrets: made here (or given by the caller), shown once, stored sealed by
 * {@link SecretBox}. Outbound notifications sign the Standard Webhooks way ({@link #signStandard})
 * or, made before that, {@code sha256=<hex HMAC-SHA256(secret, raw body)>} ({@link #sign});
 * inbound webhooks verify per {@link SignatureScheme} ({@link InboundSchemes}).
 */
@Component
class SigningSecrets {

    static final String PREFIX = "sha256=";
    static final String STANDARD_PREFIX = "whsec_";
    static final int MIN_LENGTH = 8;
    static final int MAX_LENGTH = 512;

    private final SecureRandom random = new SecureRandom();
    private final SecretBox box;

    SigningSecrets(SecretBox box) {
        this.box = box;
    }

    /** A fresh secret in plain text: {@code whsec_} and 32 random bytes in standard base64 (a Standard Webhooks key). */
    String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return STANDARD_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    String seal(String secret) {
        return box.encrypt(secret);
    }

    String open(String sealed) {
        return box.decrypt(sealed);
    }

    /** Why a caller-supplied secret cannot serve {@code scheme}, or null when it can. */
    static String problem(SignatureScheme scheme, String secret) {
        if (secret.length() < MIN_LENGTH || secret.length() > MAX_LENGTH || !secret.strip().equals(secret)) {
            return "must be " + MIN_LENGTH + ".." + MAX_LENGTH + " characters without surrounding spaces";
        }
        if (scheme == SignatureScheme.STANDARD && standardKey(secret) == null) {
            return "a standard secret is whsec_ followed by the base64 of 16..64 bytes";
        }
        return null;
    }

    /**
     * The HMAC key of a secret: for {@code standard} the base64-decoded part after {@code whsec_}
     * (null when it is not base64), for every other scheme the secret's UTF-8 bytes.
     */
    static byte[] key(SignatureScheme scheme, String secret) {
        return scheme == SignatureScheme.STANDARD ? standardKey(secret) : secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] standardKey(String secret) {
        String encoded = secret.startsWith(STANDARD_PREFIX) ? secret.substring(STANDARD_PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            return key.length >= 16 && key.length <= 64 ? key : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** Standard Webhooks' {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, keyed by the base64 after {@code whsec_}. */
    static String signStandard(String secret, String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(standard(standardKey(secret), id, timestamp, body));
    }

    /** The raw Standard Webhooks signature of a delivery under {@code key}. */
    static byte[] standard(byte[] key, String id, String timestamp, byte[] body) {
        return hmac(key, concat(id + "." + timestamp + ".", body));
    }

    static byte[] concat(String prefix, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length() + body.length);
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** Whether {@code given} is a valid {@code prefix<hex>} signature (prefix case-insensitive), compared in constant time. */
    static boolean matchesHex(byte[] expected, String prefix, String given) {
        if (given == null || !given.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        try {
            byte[] bytes = HexFormat.of().parseHex(given.substring(prefix.length()).strip().toLowerCase(Locale.ROOT));
            return MessageDigest.isEqual(expected, bytes);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
