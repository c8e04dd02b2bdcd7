package dev.griddle.server.web;

import dev.griddle.server.GriddleProperties;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code /api/**}, {@code /mcp} and {@code /a2a/**} by bearer key, applies the role
 * rules of API.md, then the per-key rate limit: one pipeline for every way in. The resolved {@link Caller} rides on the request for controllers. It decides on the
 * path Spring routes ({@link PathRules#routed}); {@link PathGuardFilter} has already refused any
 * other spelling of it. Only the OpenAPI document (and the Swagger UI's config beside it) is open,
 * on its exact path.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AuthFilter extends OncePerRequestFilter {

    static final String CALLER = Caller.class.getName();
    private static final String PREFIX = "/api/";
    private static final Set<String> OPEN = Set.of("/api/v1/openapi.json", "/api/v1/openapi.json/swagger-config");

    private final CallerResolver resolver;
    private final ErrorWriter errors;
    private final GriddleProperties.RateLimit limit;
    private final Map<UUID, Bucket> buckets = new ConcurrentHashMap<>();

    AuthFilter(CallerResolver resolver, ErrorWriter errors, GriddleProperties props) {
        this.resolver = resolver;
        this.errors = errors;
        this.limit = props.rateLimit();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = PathRules.routed(request);
        return !(path.startsWith(PREFIX) || interop(path)) || OPEN.contains(path);
    }

    /** The MCP server and the A2A agents: one POST route each for reads and writes alike, so their roles are checked per JSON-RPC method. */
    static boolean interop(String path) {
        return path.equals("/mcp") || path.startsWith("/a2a/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || header.isBlank()) {
            errors.write(request, response, ApiException.unauthenticated("No API key: the Authorization header is missing"));
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            errors.write(request, response, ApiException.unauthenticated("The Authorization header must be 'Bearer <api key>'"));
            return;
        }
        CallerResolver.Result result = resolver.resolve(header.substring(7).trim());
        if (result instanceof CallerResolver.Result.Refused refused) {
            errors.write(request, response, ApiException.unauthenticated(refused.reason()));
            return;
        }
        Caller caller = ((CallerResolver.Result.Accepted) result).caller();
        String path = PathRules.routed(request);
        String denied = RoleRules.denial(caller, request.getMethod(), path);
        if (denied != null) {
            Audit.denied(caller, request.getMethod(), path, denied);
            errors.write(request, response, ApiException.forbidden(denied));
            return;
        }
        if (limit.enabled()) {
            ConsumptionProbe probe = buckets.computeIfAbsent(caller.keyId(), id -> newBucket()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
                response.setHeader("Retry-After", Long.toString(seconds));
                errors.write(request, response, new ApiException(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                        "Rate limit of " + limit.perSecond() + " requests/s (burst " + limit.burst() + ") exceeded for this API key",
                        Map.of("retry_after_seconds", seconds), "Retry after the number of seconds in the Retry-After header."));
                return;
            }
            response.setHeader("X-RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
        }
        request.setAttribute(CALLER, caller);
        chain.doFilter(request, response);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)).build())
                .build();
    }
}
