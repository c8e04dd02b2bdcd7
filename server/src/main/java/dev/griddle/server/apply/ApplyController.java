package dev.griddle.server.apply;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.RevealsSecret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code POST /api/v1/apply}: a JSON or YAML bundle of integrations, MCP servers, tools, skills, agents and runners, upserted by name. */
@RestController
class ApplyController {

    private final BundleApplier applier;
    private final JsonMapper json;
    private final YAMLMapper yaml = YAMLMapper.builder().build();

    ApplyController(BundleApplier applier, JsonMapper json) {
        this.applier = applier;
        this.json = json;
    }

    @PostMapping("/api/v1/apply")
    @Operation(summary = "Apply a bundle", description = "Body: JSON or YAML (application/yaml) with the sections integrations "
            + "[{name, kind, url, username, password}], mcp_servers [{name, slug, transport, url, headers, command, args}], tools [{name, "
            + "description, parameters, http}], skills [{name, description, instructions}], agents [{name, description, model, instructions, "
            + "temperature, project_id, credentials, tools, mcps, integrations, skills, web, plan}] and runners [{name, description, "
            + "default_model, input_schema, project_id, steps, output, triggers, budget, tools, mcps, integrations, skills, web, plan}]. "
            + "Objects are upserted by name (MCP servers by slug) in the caller's organization. References (a connection's tool, mcp_server, "
            + "integration or skill; an llm step's with.agent_id; a runner step's with.runner_id) may be names, resolved to objects of the "
            + "bundle or of the organization, or ids. A connection field that is present sets exactly the listed attachments; left out, it "
            + "is left alone. Secrets (password, headers, credentials) left out keep their stored value and are never returned. Any "
            + "problem fails the whole bundle: 422 with details.errors [{kind, name, path, message}], nothing written. ?dry_run=true "
            + "reports without writing. 200 {dry_run, created, updated, unchanged: [{kind, name, id, runner, ingress_url, signing_secret, "
            + "changed}], warnings}; a created webhook trigger's signing_secret appears here once.")
    @RevealsSecret
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
            @Content(mediaType = "application/json", schema = @Schema(type = "object", description = "The bundle")),
            @Content(mediaType = "application/yaml", schema = @Schema(type = "string", description = "The bundle as YAML"))})
    BundleApplier.Result apply(Caller caller, @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Content-Type", required = false) String contentType,
            @RequestParam(name = "dry_run", defaultValue = "false") boolean dryRun) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("Request body is empty: send a bundle {runners: [...]} as JSON or YAML");
        }
        return applier.apply(caller, parse(body, contentType), dryRun);
    }

    private static boolean isJson(String contentType) {
        try {
            return MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.APPLICATION_JSON);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private JsonNode parse(byte[] body, String contentType) {
        boolean isYaml = contentType != null && contentType.toLowerCase().contains("yaml");
        if (!isYaml && contentType != null && !contentType.isBlank() && !isJson(contentType)) {
            throw ApiException.badRequest("Content-Type '" + contentType + "' is not supported here; use application/json or application/yaml");
        }
        JsonNode tree;
        try {
            tree = isYaml ? yaml.readTree(body) : json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("Request body is not valid " + (isYaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.badRequest("A bundle must be an object like {runners: [...]}");
        }
        return tree;
    }
}
