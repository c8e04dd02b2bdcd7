package dev.griddle.server.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document at {@code /api/v1/openapi.json}: bearer auth, the injected
 * {@link Caller} / {@link PageQuery} parameters shown as what they are on the wire, and no
 * {@code /error} (the container's error page). Two tables here describe what every operation
 * shares: {@link #TAGS} (one tag per controller) and {@link #errors} (which error responses, with
 * the {@link ErrorEnvelope} schema, an operation can give). Summaries and descriptions are on the
 * controller methods ({@code @Operation}).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class, PageQuery.class);
        // the container's error page is plumbing, not a route of the API: no operation to document or call
        SpringDocUtils.getConfig().addHiddenRestControllers(JsonErrorController.class);
    }

    /**
     * Handlers whose success is not what springdoc infers from the return type (200): the statuses
     * they answer. Otherwise a POST that returns a {@code ResponseEntity} creates (201) and a
     * {@code ResponseEntity<Void>} answers 204 with no body.
     */
    private static final Map<String, List<String>> SUCCESS = Map.of(
            "WorkerController.register", List.of("201", "200"),
            "RunnerController.publish", List.of("201", "200", "202"),
            "WorkerController.claim", List.of("200", "204"),
            "KnowledgeController.create", List.of("201", "200"),
            "KnowledgeController.reindex", List.of("202"),
            "WebhookController.deliver", List.of("202"),
            "SessionController.message", List.of("202"),
            "SessionController.cancel", List.of("202"));

    private static final String ENVELOPE = "ErrorEnvelope";

    /** Controller (simple class name) to its tag: name and description. */
    private static final Map<String, Tag> TAGS = tags(
            "OrganizationController", "Organizations", "Organizations of the instance; only the instance admin key manages them.",
            "ProjectController", "Projects", "Projects group runners and agents inside an organization; keys may be limited to some.",
            "KeyController", "Keys", "API keys: a role (admin, contributor, viewer, worker), optionally limited to projects.",
            "ModelController", "Models", "The LLM model catalog and which providers are configured.",
            "RunnerController", "Runners", "Headless pipelines: a draft step graph and its immutable published versions.",
            "ApplyController", "Apply", "Bulk import of runners, agents, tools, MCP servers and integrations, upserted by name.",
            "ConnectionController", "Connections", "What a runner or an agent may use: tools, MCP servers, integrations, skills, web, plans.",
            "BudgetController", "Budgets", "Cost and token limits of a runner's runs.",
            "RunController", "Runs", "Durable runs of runners: start, list, pause, resume, cancel, retry.",
            "RunDetailsController", "Runs", null,
            "RunEventStream", "Runs", null,
            "ApprovalController", "Approvals", "Human tasks: approval steps waiting for a decision.",
            "TriggerController", "Triggers", "Cron and webhook triggers that start runs.",
            "WebhookController", "Triggers", null,
            "NotificationController", "Notifications", "Signed outbound notifications of run events.",
            "WorkerController", "Workers", "The worker protocol: remote hosts register, heartbeat and claim tasks.",
            "TaskController", "Tasks", "The worker protocol: a claimed task's lease, logs and result.",
            "ReplayController", "Replays", "Every run's recorded external calls, and replays of a run answered from them.",
            "DatasetController", "Datasets", "A runner's test cases: inputs, expected outputs and recording copies, JSON Lines in and out.",
            "ExperimentController", "Experiments", "A runner version run over a dataset and evaluated against each case's baseline.",
            "PublishGateController", "Experiments", null,
            "SessionController", "Sessions", "Long-lived processes on worker hosts from host-declared templates: messages, exec, files, timeline.",
            "SessionProtocolController", "Sessions", null,
            "AgentController", "Agents", "LLM agents with instructions, a model and connections.",
            "MemoryController", "Agents", null,
            "ThreadController", "Threads", "Conversations with an agent; answers stream as Server-Sent Events.",
            "PlanController", "Plans", "Plans with todos and their dependencies, kept by agents and runs.",
            "SkillController", "Skills", "Reusable instructions agents and runners can attach.",
            "SecretController", "Secrets", "Encrypted values templates read as secrets.NAME; never returned.",
            "ToolController", "Tools", "Custom HTTP tools for LLM steps and agents.",
            "McpServerController", "MCP servers", "External MCP servers whose tools runners and agents may call.",
            "IntegrationController", "Integrations", "Databases queried read-only by LLM steps and agents.",
            "KnowledgeController", "Knowledge", "Documents chunked and indexed for retrieval.",
            "KnowledgeSearchController", "Knowledge", null,
            "KnowledgeConnectionController", "Knowledge", null,
            "TraceController", "Traces", "Span trees of runs and turns, and their evaluations.",
            "AnalyticsController", "Analytics", "Run counts, durations, tokens and cost over time.",
            "HealthController", "Operations", "Liveness and readiness probes (no key needed).");

    /** The error responses API.md's Errors section defines: status, code, when. */
    private static final Map<String, String[]> ERRORS = new java.util.TreeMap<>(Map.of(
            "400", new String[] {"BAD_REQUEST", "The body is not parseable JSON (or multipart), or has the wrong content type."},
            "401", new String[] {"UNAUTHENTICATED", "No key, or an unknown, revoked or expired key."},
            "403", new String[] {"FORBIDDEN", "The key's role (or its project limits) may not do this."},
            "404", new String[] {"NOT_FOUND", "No such resource in the caller's organization and projects."},
            "409", new String[] {"CONFLICT", "The resource's state forbids it, a name is taken, or an Idempotency-Key's response cannot be replayed."},
            "413", new String[] {"PAYLOAD_TOO_LARGE", "The body is over the configured limit."},
            "422", new String[] {"VALIDATION_FAILED", "Well-formed but invalid (or a more specific code): fields, schema, graph, ranges."},
            "429", new String[] {"RATE_LIMITED", "Over the key's rate limit; Retry-After says when to try again."},
            "500", new String[] {"INTERNAL", "An unexpected error; the request id links to the server's log."},
            "503", new String[] {"UNAVAILABLE", "The database is not reachable."}));

    @Bean
    OpenAPI griddleOpenApi() {
        Components components = new Components().addSecuritySchemes("bearer",
                new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").description("API key: grd_live_..."));
        components.addSchemas(ENVELOPE, envelopeSchema());
        ERRORS.forEach((status, e) -> components.addResponses(e[0], new ApiResponse().description(e[1] + " (" + e[0] + ")")
                .content(new Content().addMediaType("application/json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + ENVELOPE))))));
        return new OpenAPI()
                .info(new Info().title("Griddle API").version("v1")
                        .description("Headless AI pipelines: runners, durable runs, triggers, agents. Errors use one envelope: "
                                + "{error: {code, message, details, recovery_hint}, meta: {request_id, timestamp}}. "
                                + "Unknown request fields are ignored. Creating POSTs accept Idempotency-Key."))
                .components(components)
                .tags(TAGS.values().stream().distinct().toList())
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    OperationCustomizer pagingParameters() {
        return (operation, handler) -> {
            boolean paged = Arrays.stream(handler.getMethodParameters()).anyMatch(p -> p.getParameterType() == PageQuery.class);
            if (paged) {
                operation.addParametersItem(new Parameter().in("query").name("page").description("Page number, from 1")
                        .schema(new IntegerSchema()._default(1).minimum(java.math.BigDecimal.ONE)));
                operation.addParametersItem(new Parameter().in("query").name("per_page").description("Items per page, 1..100")
                        .schema(new IntegerSchema()._default(20).minimum(java.math.BigDecimal.ONE).maximum(java.math.BigDecimal.valueOf(100))));
            }
            return operation;
        };
    }

    /** Free JSON (a step graph, an output, an input): any JSON value, not necessarily an object. */
    @Bean
    io.swagger.v3.core.converter.ModelConverter anyJson() {
        return (type, context, chain) -> {
            com.fasterxml.jackson.databind.JavaType java = io.swagger.v3.core.util.Json.mapper().constructType(type.getType());
            Class<?> raw = java == null ? null : java.getRawClass();
            if (raw == tools.jackson.databind.JsonNode.class || raw == tools.jackson.databind.node.ValueNode.class) {
                return new Schema<>();
            }
            return chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
        };
    }

    /** The success statuses a handler answers: {@link #SUCCESS}, or by its return type. */
    @Bean
    OperationCustomizer successStatuses() {
        return (operation, handler) -> {
            ApiResponses responses = operation.getResponses();
            ApiResponse ok = responses == null ? null : responses.get("200");
            if (ok == null) {
                return operation;
            }
            List<String> statuses = SUCCESS.get(handler.getBeanType().getSimpleName() + "." + handler.getMethod().getName());
            java.lang.reflect.Type type = handler.getMethod().getGenericReturnType();
            boolean entity = handler.getMethod().getReturnType() == org.springframework.http.ResponseEntity.class;
            boolean none = entity && type instanceof java.lang.reflect.ParameterizedType p && p.getActualTypeArguments()[0] == Void.class;
            if (statuses == null && none) {
                statuses = List.of("204");
            } else if (statuses == null && entity && handler.hasMethodAnnotation(org.springframework.web.bind.annotation.PostMapping.class)) {
                statuses = List.of("201");
            }
            if (statuses != null) {
                responses.remove("200");
                for (String status : statuses) {
                    ApiResponse answer = status.equals("204") ? new ApiResponse() : new ApiResponse().content(ok.getContent());
                    responses.addApiResponse(status, answer.description(switch (status) {
                        case "201" -> "Created";
                        case "202" -> "Accepted";
                        case "204" -> "No content";
                        default -> "OK";
                    }));
                }
            }
            return operation;
        };
    }

    /**
     * A property the server may send as null (any not required; records write their nulls) allows
     * null: {@code type: [string, "null"]}, or {@code anyOf} a reference and null.
     */
    @Bean
    OpenApiCustomizer nullableProperties() {
        return openApi -> {
            if (openApi.getComponents().getSchemas() == null) {
                return;
            }
            openApi.getComponents().getSchemas().forEach((name, schema) -> {
                if (!name.equals(ENVELOPE)) {
                    nullable(schema);
                }
            });
        };
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void nullable(Schema<?> schema) {
        if (schema.getProperties() == null) {
            return;
        }
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        Map<String, Schema> properties = (Map) schema.getProperties();
        properties.replaceAll((field, property) -> {
            if (required.contains(field)) {
                return property;
            }
            if (property.get$ref() != null) {
                Schema<?> none = new Schema<>();
                none.addType("null");
                return new Schema<>().anyOf(List.of(property, none));
            }
            if (property.getType() != null && (property.getTypes() == null || property.getTypes().isEmpty())) {
                property.addType(property.getType());
            }
            if (property.getTypes() != null && !property.getTypes().isEmpty()) {
                property.addType("null");
            }
            nullable(property);
            if (property.getItems() != null) {
                nullable(property.getItems());
            }
            return property;
        });
    }

    /** One tag per controller, from {@link #TAGS}. */
    @Bean
    OperationCustomizer controllerTags() {
        return (operation, handler) -> {
            Tag tag = TAGS.get(handler.getBeanType().getSimpleName());
            if (tag != null) {
                operation.setTags(List.of(tag.getName()));
            }
            return operation;
        };
    }

    /**
     * Every operation's error responses, by what it is: a keyed route can be unauthenticated,
     * forbidden, rate limited; a path variable names something that may not be found; a body may be
     * unparseable, too large or invalid; query parameters may be out of range; a write may meet a
     * state, a taken name or an idempotency replay that forbids it (409). The webhook ingress is
     * authenticated by its signature; the probes answer no error but 500 (and readiness 503). Operation ids springdoc
     * made unique with a counter ({@code list_2}) get one from their path instead.
     */
    @Bean
    OpenApiCustomizer errorResponsesAndOperationIds() {
        return openApi -> {
            Set<String> taken = new HashSet<>();
            openApi.getPaths().values().forEach(item -> item.readOperations().forEach(o -> taken.add(o.getOperationId())));
            openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                String id = operation.getOperationId();
                if (id != null && id.matches(".*_\\d+")) {
                    String better = id.replaceAll("_\\d+$", "") + pathWords(path);
                    if (taken.add(better)) {
                        operation.setOperationId(better);
                    }
                }
                ApiResponses responses = operation.getResponses();
                for (String status : errors(method, path, operation)) {
                    if (!responses.containsKey(status)) {
                        responses.addApiResponse(status, new ApiResponse().$ref("#/components/responses/" + ERRORS.get(status)[0]));
                    }
                }
            }));
        };
    }

    static Set<String> errors(PathItem.HttpMethod method, String path, io.swagger.v3.oas.models.Operation operation) {
        Set<String> out = new TreeSet<>(Set.of("500"));
        if (path.equals("/healthz") || path.equals("/readyz")) {
            if (path.equals("/readyz")) {
                out.add("503");
            }
            return out;
        }
        boolean body = operation.getRequestBody() != null;
        if (body) {
            out.addAll(List.of("400", "413", "422"));
        }
        if (path.startsWith("/hooks/")) {
            out.addAll(List.of("401", "409", "429"));
            return out;
        }
        out.addAll(List.of("401", "403", "429"));
        if (path.contains("{")) {
            out.add("404");
        }
        boolean query = operation.getParameters() != null && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()));
        if (query) {
            out.add("422");
        }
        if (method != PathItem.HttpMethod.GET) {
            out.add("409");
        }
        return out;
    }

    /** {@code /api/v1/runners/{id}/web} -> {@code RunnersWeb}. */
    private static String pathWords(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.replaceFirst("^/api/v1", "").split("/")) {
            if (segment.isEmpty() || segment.startsWith("{")) {
                continue;
            }
            for (String word : segment.split("[-_.]")) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return out.toString();
    }

    private static Schema<?> envelopeSchema() {
        Schema<?> error = new ObjectSchema().description("What went wrong")
                .addProperty("code", new StringSchema().description("Machine-readable: BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, "
                        + "CONFLICT, PAYLOAD_TOO_LARGE, VALIDATION_FAILED (or a more specific code), RATE_LIMITED, INTERNAL"))
                .addProperty("message", new StringSchema().description("For people"))
                .addProperty("details", new ObjectSchema().description("e.g. field_errors: {field: [problem]}"))
                .addProperty("recovery_hint", new StringSchema().description("A useful next step, when there is one"));
        error.setRequired(List.of("code", "message"));
        Schema<?> meta = new ObjectSchema()
                .addProperty("request_id", new StringSchema().description("Also in the X-Request-Id header"))
                .addProperty("timestamp", new StringSchema().format("date-time"));
        meta.setRequired(List.of("request_id", "timestamp"));
        Schema<?> envelope = new ObjectSchema().description("The body of every failed response")
                .addProperty("error", error).addProperty("meta", meta);
        envelope.setRequired(List.of("error", "meta"));
        return envelope;
    }

    private static Map<String, Tag> tags(String... rows) {
        Map<String, Tag> out = new LinkedHashMap<>();
        Map<String, Tag> byName = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i += 3) {
            Tag tag = byName.computeIfAbsent(rows[i + 1], name -> new Tag().name(name));
            if (rows[i + 2] != null) {
                tag.setDescription(rows[i + 2]);
            }
            out.put(rows[i], tag);
        }
        return out;
    }
}
