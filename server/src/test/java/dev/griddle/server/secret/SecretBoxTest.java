package dev.griddle.server.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.griddle.server.GriddleProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;

class SecretBoxTest {

    @TempDir
    Path dir;

    private GriddleProperties props(String masterKey) {
        StandardEnvironment env = new StandardEnvironment();
        env.getSystemProperties().put("griddle.data-dir", dir.toString());
        if (masterKey != null) {
            env.getSystemProperties().put("griddle.master-key", masterKey);
        }
        return Binder.get(env).bindOrCreate("griddle", GriddleProperties.class);
    }

    @Test
    void roundTripsAndUsesAFreshNonceEachTime() {
        SecretBox box = new SecretBox(props("correct horse battery staple"));
        String a = box.encrypt("s3cret");
        String b = box.encrypt("s3cret");
        assertThat(a).startsWith("v1:").isNotEqualTo(b).doesNotContain("s3cret");
        assertThat(box.decrypt(a)).isEqualTo("s3cret");
        assertThat(box.decrypt(b)).isEqualTo("s3cret");
    }

    @Test
    void anotherKeyOrATamperedValueCannotBeRead() {
        String sealed = new SecretBox(props("key one")).encrypt("value");
        assertThatThrownBy(() -> new SecretBox(props("key two")).decrypt(sealed)).hasMessageContaining("GRIDDLE_MASTER_KEY");
        char[] chars = sealed.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> new SecretBox(props("key one")).decrypt(new String(chars))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutAMasterKeyAnOwnerOnlyKeyFileIsCreatedAndReused() throws Exception {
        String sealed = new SecretBox(props(null)).encrypt("kept");
        Path file = dir.resolve("master.key");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(new SecretBox(props(null)).decrypt(sealed)).isEqualTo("kept");
    }
}
