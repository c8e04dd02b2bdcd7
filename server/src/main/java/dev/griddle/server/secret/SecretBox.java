package dev.griddle.server.secret;

import dev.griddle.server.GriddleProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Encryption at rest for every secret Griddle stores (webhook signing secrets, provider keys, MCP
 * headers, integration passwords, the org's secrets store): AES-256-GCM with a random 96-bit nonce per value. The key comes
 * from {@code GRIDDLE_MASTER_KEY} (any string; its SHA-256 is the key) or, without it, from
 * {@code <data dir>/master.key}, created on first use with owner-only permissions.
 *
 * <p>Ciphertexts look like {@code v1:<base64(nonce | ciphertext+tag)>}; the version prefix leaves
 * room for key rotation.
 */
@Component
public class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    SecretBox(GriddleProperties props) {
        this.key = new SecretKeySpec(keyBytes(props), "AES");
    }

    public String encrypt(String plaintext) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /**
     * HMAC-SHA256 of {@code data} under a key derived from the master key for {@code purpose}: every
     * node sharing the master key computes the same tag, and nobody without it can forge one.
     */
    public byte[] mac(String purpose, String data) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(key);
            byte[] subkey = derive.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(subkey, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** @throws IllegalStateException when the value was sealed with another master key or was tampered with */
    public String decrypt(String sealed) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret (expected the v1: prefix)");
        }
        byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a stored secret: wrong GRIDDLE_MASTER_KEY or corrupted value", e);
        }
    }

    private static byte[] keyBytes(GriddleProperties props) {
        String configured = props.masterKey();
        if (configured != null && !configured.isBlank()) {
            return sha256(configured);
        }
        Path file = props.dataDir().resolve("master.key");
        try {
            Files.createDirectories(props.dataDir());
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                } catch (FileAlreadyExistsException raced) {
                    // another node on the same data dir created it first: use theirs
                } catch (UnsupportedOperationException notPosix) {
                    Files.writeString(file, Base64.getEncoder().encodeToString(fresh));
                }
            }
            return Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file.toAbsolutePath()
                    + "; set GRIDDLE_MASTER_KEY instead", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
