package dev.griddle.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses ({@code 400 INVALID_PATH}) every request whose path is not in its plain spelling (see
 * {@link PathRules}), on every path, before authentication: the auth and idempotency filters then
 * see exactly the path the router matches.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class PathGuardFilter extends OncePerRequestFilter {

    private final ErrorWriter errors;

    PathGuardFilter(ErrorWriter errors) {
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = PathRules.problem(request.getRequestURI());
        if (problem != null) {
            errors.write(request, response, PathRules.refusal(request.getRequestURI(), problem));
            return;
        }
        chain.doFilter(request, response);
    }
}
