package dev.griddle.server.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.Arrays;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document at {@code /api/v1/openapi.json}: bearer auth, the injected
 * {@link Caller} / {@link PageQuery} parameters shown as what they are on the wire, and no
 * {@code /error} (the container's error page).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class, PageQuery.class);
        // the container's error page is plumbing, not a route of the API: no operation to document or call
        SpringDocUtils.getConfig().addHiddenRestControllers(JsonErrorController.class);
    }

    @Bean
    OpenAPI griddleOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Griddle API").version("v1")
                        .description("Headless AI pipelines: runners, durable runs, triggers, agents. Errors use one envelope: "
                                + "{error: {code, message, details, recovery_hint}, meta: {request_id, timestamp}}. "
                                + "Unknown request fields are ignored. Creating POSTs accept Idempotency-Key."))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").description("API key: grd_live_...")))
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
}
