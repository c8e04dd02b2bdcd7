package dev.griddle.server.console;

import dev.griddle.server.web.PathRules;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code /console/**} by its session cookie (the API's bearer keys are for the API):
 * a page without a live session is sent to the sign-in form, and every write must carry the
 * session's CSRF token (form field {@code _csrf} or header {@code X-CSRF-Token}). Sign-in
 * attempts are limited per client address. Role rules are applied by each action through
 * {@link dev.griddle.server.web.RoleRules}, by the API route it performs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ConsoleFilter extends OncePerRequestFilter {

    static final String COOKIE = "griddle_console";
    static final String SESSION = "griddle.console.session";
    static final String SIGN_IN = "/console/sign-in";
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final ConsoleSessions sessions;
    private final ConsolePages pages;
    private final int signInPerMinute;
    private final com.github.benmanes.caffeine.cache.Cache<String, Bucket> attempts;

    ConsoleFilter(ConsoleSessions sessions, ConsolePages pages, ConsoleProperties props) {
        this.sessions = sessions;
        this.pages = pages;
        this.signInPerMinute = props.signInPerMinute();
        this.attempts = com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                .maximumSize(MAX_TRACKED_ADDRESSES).expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = PathRules.routed(request);
        return !path.equals("/console") && !path.startsWith("/console/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = PathRules.routed(request);
        boolean write = !request.getMethod().equals("GET") && !request.getMethod().equals("HEAD");
        if (path.equals(SIGN_IN)) {
            if (write && !attempts.get(request.getRemoteAddr(), a -> newBucket()).tryConsume(1)) {
                response.setHeader("Retry-After", "60");
                pages.error(response, 429, "Too many sign-in attempts",
                        "This address made more than " + signInPerMinute + " sign-in attempts in a minute (griddle.console.sign-in-per-minute). Wait a minute and try again.");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String token = cookie(request).orElse(null);
        Optional<ConsoleSessions.Session> session = sessions.find(token);
        if (session.isEmpty()) {
            if (write) {
                pages.error(response, 401, "Signed out", "Your session ended or its API key was revoked. Sign in again.");
            } else {
                response.setStatus(303);
                response.setHeader("Location", SIGN_IN);
            }
            return;
        }
        if (write && !sameToken(session.get().csrf(), csrfOf(request))) {
            pages.error(response, 403, "Refused", "This form is missing its CSRF token or has a stale one. Reload the page and try again.");
            return;
        }
        request.setAttribute(SESSION, session.get());
        chain.doFilter(request, response);
    }

    private static String csrfOf(HttpServletRequest request) {
        String header = request.getHeader("X-CSRF-Token");
        return header != null ? header : request.getParameter("_csrf");
    }

    static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<String> cookie(HttpServletRequest request) {
        return cookie(request, COOKIE);
    }

    static Optional<String> cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(name)) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(signInPerMinute).refillGreedy(signInPerMinute, Duration.ofMinutes(1)).build())
                .build();
    }
}
