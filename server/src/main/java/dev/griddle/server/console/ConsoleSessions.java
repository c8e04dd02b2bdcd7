package dev.griddle.server.console;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.CallerResolver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Browser sessions: an API key exchanged for a random token kept in a cookie. The key is checked
 * on sign-in and again on every request by the API's own {@link CallerResolver}, so a revoked or
 * expired key ends its sessions at once. The CSRF token of a session is derived from its token
 * (a hash with a different prefix), so nothing more is stored and a page cannot guess it.
 */
@Component
class ConsoleSessions {

    /** A signed-in caller, and the CSRF token its writes must carry. */
    record Session(Caller caller, String csrf) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConsoleSessionStore store;
    private final CallerResolver keys;
    private final Clock clock;
    private final Duration ttl;

    ConsoleSessions(ConsoleSessionStore store, CallerResolver keys, Clock clock, ConsoleProperties props) {
        this.store = store;
        this.keys = keys;
        this.clock = clock;
        this.ttl = props.sessionTtl();
    }

    /** The new session's token for a valid key; the refusal's reason otherwise. */
    CallerResolver.Result signIn(String apiKey, java.util.function.Consumer<String> token) {
        CallerResolver.Result result = keys.resolve(apiKey);
        if (result instanceof CallerResolver.Result.Accepted accepted) {
            String secret = randomToken();
            Instant now = clock.instant();
            store.insert(UUID.randomUUID(), accepted.caller().orgId(), accepted.caller().keyId(), hash("session:", secret), now, now.plus(ttl));
            token.accept(secret);
        }
        return result;
    }

    /** 256 random bits, URL-safe. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The live session of a cookie's token: empty when unknown, ended, expired, or its key no longer accepted. */
    Optional<Session> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return store.live(hash("session:", token), clock.instant())
                .flatMap(row -> CallerResolver.accepted(keys.resolveKey(row.keyId())))
                .map(caller -> new Session(caller, csrf(token)));
    }

    void signOut(String token) {
        if (token != null && token.length() <= 100) {
            store.end(hash("session:", token), clock.instant());
        }
    }

    Duration ttl() {
        return ttl;
    }

    static String csrf(String token) {
        return hash("csrf:", token);
    }

    /** Ended and expired sessions are kept a day (for the audit of a sign-out), then deleted. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void purge() {
        store.purge(clock.instant().minus(Duration.ofDays(1)));
    }

    private static String hash(String prefix, String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest((prefix + value).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
