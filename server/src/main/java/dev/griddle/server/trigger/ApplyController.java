package dev.griddle.server.trigger;

import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import io.swagger.v3.oas.annotations.Operation;
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

/** {@code POST /api/v1/apply}: a JSON or YAML bundle of runners and their triggers, upserted by name. */
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
    @Operation(summary = "Apply a bundle", description = "Body: JSON or YAML (application/yaml) {runners: [{name, description, default_model, "
            + "input_schema, project_id, steps, output, triggers: [{type, enabled, input, cron}]}]}. Runners are upserted by name; a cron "
            + "trigger is matched by schedule and time zone, a webhook by its position among the runner's webhooks; existing triggers "
            + "missing from the bundle are left in place with a warning. agents, tools, mcp_servers, integrations, skills and a runner's "
            + "budget and connections are not applied yet: each is reported in warnings and ignored. Any invalid object fails the whole "
            + "bundle: 422 with details.errors [{kind, name, path, message}], nothing written. ?dry_run=true reports without writing. "
            + "200 {dry_run, created, updated, unchanged: [{kind, name, id, runner, ingress_url, signing_secret}], warnings}; a created "
            + "webhook trigger's signing_secret appears here once.")
    BundleApplier.Result apply(Caller caller, @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Content-Type", required = false) String contentType,
            @RequestParam(name = "dry_run", defaultValue = "false") boolean dryRun) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("Request body is empty: send a bundle {runners: [...]} as JSON or YAML");
        }
        return applier.apply(caller, parse(body, contentType), TriggerController.baseUrl(), dryRun);
    }

    private JsonNode parse(byte[] body, String contentType) {
        boolean isYaml = contentType != null && contentType.toLowerCase().contains("yaml");
        if (!isYaml && contentType != null && !contentType.isBlank()
                && !MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.APPLICATION_JSON)) {
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
