package dev.griddle.server.agent;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI text of {@link ConnectionController}'s routes. One handler serves a kind of
 * connection on runners and agents alike (its paths are written out), so the summaries, and the
 * schemas of its JSON bodies, are given here per path rather than once per handler.
 */
@Configuration(proxyBeanMethods = false)
class ConnectionApiDocs {

    /** A connection kind: what it connects, its id field, and its optional extra field. */
    private record Kind(String what, String idField, String extra, String extraText) {
    }

    private static final Map<String, Kind> ATTACHED = Map.of(
            "mcps", new Kind("MCP server", "mcp_server_id", "allowed_tools", "the tools it may call (all when left out)"),
            "integrations", new Kind("integration", "integration_id", "allowed_tables", "the tables it may query (all when left out)"),
            "skills", new Kind("skill", "skill_id", null, null));

    private static final Map<String, String> SETTINGS = Map.of(
            "web", "web access: {enabled (default false), search_enabled, research_enabled, read_enabled, crawl_enabled (default true)}",
            "plan", "the plan tools: {enabled (default false), remind_on_turn_end (default true)}");

    @Bean
    OpenApiCustomizer connectionDocs() {
        return openApi -> {
            openApi.getPaths().forEach(ConnectionApiDocs::describePath);
            // the generic list of attachments springdoc derived from the handler, replaced above by one per kind
            openApi.getComponents().getSchemas().remove("ListOfJsonNode");
        };
    }

    private static void describePath(String path, PathItem item) {
        String[] parts = path.split("/");
        if (parts.length != 6 || !path.startsWith("/api/v1/") || !(parts[3].equals("runners") || parts[3].equals("agents"))) {
            return;
        }
        String owner = parts[3].equals("runners") ? "runner" : "agent";
        String leaf = parts[5];
        item.readOperationsMap().forEach((method, op) -> {
            if (ATTACHED.containsKey(leaf)) {
                attached(method, op, owner, ATTACHED.get(leaf));
            } else if (SETTINGS.containsKey(leaf)) {
                setting(method, op, owner, leaf);
            } else if (leaf.equals("tools")) {
                tools(method, op, owner);
            }
        });
    }

    private static void attached(PathItem.HttpMethod method, Operation op, String owner, Kind k) {
        Schema<?> body = new ObjectSchema().addProperty(k.idField(), new StringSchema().format("uuid"));
        if (k.extra() != null) {
            body.addProperty(k.extra(), new ArraySchema().items(new StringSchema()).description(k.extraText()));
        }
        body.setRequired(List.of(k.idField()));
        Schema<?> view = new ObjectSchema().addProperty(k.idField(), new StringSchema().format("uuid"))
                .addProperty("created_at", new StringSchema().format("date-time"));
        if (k.extra() != null) {
            view.addProperty(k.extra(), new ArraySchema().items(new StringSchema()));
        }
        switch (method) {
            case GET -> describe(op, "List the " + owner + "'s " + k.what() + "s", "The " + k.what() + "s attached to the " + owner + ".")
                    .getResponses().get("200").setContent(json(new ObjectSchema().addProperty("data", new ArraySchema().items(view))));
            case POST -> {
                describe(op, "Attach " + article(k.what()) + " to the " + owner, "{" + k.idField() + (k.extra() == null ? "" : ", " + k.extra() + "?")
                        + "} of this organization; attaching it again updates it. 201 with the attachment.").setRequestBody(body(body));
                created(op).setContent(json(view));
            }
            case DELETE -> describe(op, "Detach " + article(k.what()) + " from the " + owner, "{" + k.idField() + "}; 404 when it is not attached. 204.")
                    .setRequestBody(body(new ObjectSchema().addProperty(k.idField(), new StringSchema().format("uuid"))));
            default -> {
            }
        }
    }

    private static void setting(PathItem.HttpMethod method, Operation op, String owner, String leaf) {
        Schema<?> value = new ObjectSchema().additionalProperties(new BooleanSchema());
        if (method == PathItem.HttpMethod.GET) {
            describe(op, "Get the " + owner + "'s " + leaf + " setting", "The defaults when never set; " + SETTINGS.get(leaf) + ".")
                    .getResponses().get("200").setContent(json(value));
        } else if (method == PathItem.HttpMethod.PUT) {
            describe(op, "Set the " + owner + "'s " + leaf + " setting", "A field left out is its default; " + SETTINGS.get(leaf) + ".")
                    .setRequestBody(body(value));
            op.getResponses().get("200").setContent(json(value));
        }
    }

    private static void tools(PathItem.HttpMethod method, Operation op, String owner) {
        switch (method) {
            case GET -> describe(op, "List the " + owner + "'s tools", "The custom tools attached to the " + owner + ", allowed or not.");
            case POST -> describe(op, "Attach a tool to the " + owner, "{tool_id, allowed (default true)}: a custom tool of this organization; "
                    + "201 with the attachment.");
            case DELETE -> describe(op, "Detach a tool from the " + owner, "{tool_id}; 404 when it is not attached. 204.");
            default -> {
            }
        }
    }

    /** The 201 a create answers (springdoc cannot see the status a ResponseEntity is built with). */
    private static io.swagger.v3.oas.models.responses.ApiResponse created(Operation op) {
        io.swagger.v3.oas.models.responses.ApiResponse ok = op.getResponses().remove("200");
        io.swagger.v3.oas.models.responses.ApiResponse created = ok == null ? new io.swagger.v3.oas.models.responses.ApiResponse() : ok;
        op.getResponses().addApiResponse("201", created.description("Attached"));
        return created;
    }

    private static Operation describe(Operation op, String summary, String description) {
        return op.summary(summary).description(description);
    }

    private static String article(String what) {
        return (what.startsWith("MCP") || what.startsWith("i") ? "an " : "a ") + what;
    }

    private static Content json(Schema<?> schema) {
        return new Content().addMediaType("application/json", new MediaType().schema(schema));
    }

    private static RequestBody body(Schema<?> schema) {
        return new RequestBody().required(true).content(json(schema));
    }
}
