package dev.griddle.server.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Renders the console's JTE templates, precompiled to classes at build time by the jte Maven
 * plugin (no template compiler at run time), into HTML responses, error pages included.
 */
@Component
class ConsolePages {

    private static final MediaType HTML = new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8);

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** What every signed-in page's layout needs: its title, the role, the CSRF token, and whether the role may write runs. */
    java.util.Map<String, Object> common(ConsoleSessions.Session session, String title) {
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        params.put("title", title);
        params.put("role", session.caller().role().wireName());
        params.put("csrf", session.csrf());
        params.put("canWrite", dev.griddle.server.web.RoleRules.denial(session.caller(), "POST", "/api/v1/runs") == null);
        return params;
    }

    String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        engine.render("console/" + template + ".jte", params, out);
        return out.toString();
    }

    ResponseEntity<String> page(String template, Map<String, Object> params) {
        return page(200, template, params);
    }

    ResponseEntity<String> page(int status, String template, Map<String, Object> params) {
        return ResponseEntity.status(status).contentType(HTML).header("Cache-Control", "no-store").body(render(template, params));
    }

    ResponseEntity<String> errorPage(int status, String title, String message) {
        return ResponseEntity.status(status).contentType(HTML).body(render("error", Map.of("status", status, "title", title, "message", message)));
    }

    /** An error page written straight to the response, for refusals before MVC (the console's filter). */
    void error(HttpServletResponse response, int status, String title, String message) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(HTML.toString());
        response.getOutputStream().write(render("error", Map.of("status", status, "title", title, "message", message))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
