package dev.griddle.server.tool;

import dev.griddle.server.web.FieldErrors;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** The rules of a custom HTTP tool's fields, shared by the API and {@code apply}; problems are added under a path prefix. */
@Component
class ToolChecks {

    /** What providers accept as a function name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final JsonSchemas schemas;

    ToolChecks(JsonSchemas schemas) {
        this.schemas = schemas;
    }

    /** {@code creating}: every required field must be there; otherwise a field left out is not checked (it keeps its value). */
    void check(ToolController.ToolBody body, boolean creating, String prefix, FieldErrors errors) {
        if (creating || body.name() != null) {
            errors.required(prefix + "name", body.name());
            if (body.name() != null && !body.name().isBlank() && !NAME.matcher(body.name()).matches()) {
                errors.add(prefix + "name", "must be 1 to 64 of A-Z, a-z, 0-9, '_' and '-', was '" + body.name() + "'");
            }
        }
        errors.maxLength(prefix + "description", body.description(), 10_000);
        if (creating || body.parameters() != null) {
            if (body.parameters() == null || body.parameters().isNull()) {
                errors.add(prefix + "parameters", "required (a JSON Schema of the arguments object)");
            } else {
                List<String> problems = schemas.checkSchema(body.parameters());
                problems.forEach(p -> errors.add(prefix + "parameters", p));
                if (problems.isEmpty() && !"object".equals(body.parameters().path("type").asString(""))) {
                    errors.add(prefix + "parameters", "must have type 'object' (tool arguments are an object)");
                }
            }
        }
        if (creating || body.http() != null) {
            JsonNode http = body.http();
            if (http == null || !http.isObject()) {
                errors.add(prefix + "http", "required: {method, url, headers, body}");
            } else {
                String method = http.path("method").asString("GET");
                if (!METHODS.contains(method)) {
                    errors.add(prefix + "http.method", "must be one of " + METHODS.stream().sorted().toList() + ", was '" + method + "'");
                }
                if (!http.path("url").isString() || http.path("url").asString().isBlank()) {
                    errors.add(prefix + "http.url", "required: an http(s) URL, may hold {{ args.<name> }}");
                }
                if (http.has("headers") && !http.get("headers").isObject()) {
                    errors.add(prefix + "http.headers", "must be an object of header names to values");
                }
            }
        }
    }
}
