package dev.griddle.server.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Tomcat refuses before any filter runs (an encoded slash {@code %2F} or backslash, a
 * {@code ..} above the root, characters not allowed in a URI, a malformed request line) are
 * answered by the host's error report valve, which writes an HTML page. This replaces that valve
 * with one that writes the JSON envelope, so every answer of the server is the envelope.
 *
 * <p>Ordered last so it runs after Spring Boot's own customizer, which adds a plain
 * {@link ErrorReportValve}; that one is removed.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ContainerErrors implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    private final JsonMapper json;
    private final Clock clock;

    ContainerErrors(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new JsonErrorReportValve(json, clock));
            // the host adds a valve of this class at start unless one is there already: ours is
            ((StandardHost) host).setErrorReportValveClass(JsonErrorReportValve.class.getName());
        });
    }

    /** Writes the envelope for an error status nobody wrote a body for. */
    static final class JsonErrorReportValve extends ErrorReportValve {

        private final JsonMapper json;
        private final Clock clock;

        JsonErrorReportValve(JsonMapper json, Clock clock) {
            this.json = json;
            this.clock = clock;
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus resolved = HttpStatus.resolve(status);
            if (resolved == null) {
                resolved = status >= 500 ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
            }
            Object known = request.getAttribute(RequestIds.ATTRIBUTE);
            String requestId = known != null ? known.toString() : RequestIds.accept(request.getHeader(RequestIds.HEADER));
            ApiException e = describe(resolved, request.getRequestURI(), requestId);
            try {
                response.resetBuffer(); // nothing was written (checked above); drop what the container may hold
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader(RequestIds.HEADER, requestId);
                byte[] body = json.writeValueAsString(ErrorEnvelope.of(e, requestId, clock.instant())).getBytes(StandardCharsets.UTF_8);
                response.setContentLength(body.length);
                OutputStream out = response.getOutputStream();
                out.write(body);
                response.finishResponse();
            } catch (IOException | IllegalStateException ignored) {
                // the client went away, or the response was already committed: nothing more to say
            }
        }

        private static ApiException describe(HttpStatus status, String rawPath, String requestId) {
            String problem = rawPath == null ? null : PathRules.problem(rawPath);
            if (status == HttpStatus.BAD_REQUEST && problem != null) {
                return PathRules.refusal(rawPath, problem);
            }
            String message = switch (status) {
                case BAD_REQUEST -> "Malformed request: the request line, a header or the path is not valid HTTP (RFC 9110, RFC 3986)";
                case NOT_FOUND -> "No route " + (rawPath == null ? "" : rawPath);
                case INTERNAL_SERVER_ERROR -> "Internal error; quote request id " + requestId + " when reporting it";
                default -> status.getReasonPhrase();
            };
            return new ApiException(status, StatusCodes.codeFor(status), message, null, null);
        }
    }
}
