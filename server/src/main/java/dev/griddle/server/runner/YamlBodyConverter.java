package dev.griddle.server.runner;

import dev.griddle.server.web.ApiException;
import java.io.IOException;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads runner bodies sent as YAML ({@code application/yaml}, {@code application/x-yaml},
 * {@code text/yaml}). The YAML is parsed to a tree and bound by the application's JSON mapper, so
 * YAML gets exactly the JSON rules: snake_case names, strict scalar types, the same 422s.
 */
class YamlBodyConverter extends AbstractHttpMessageConverter<Object> {

    static final List<MediaType> TYPES = List.of(MediaType.parseMediaType("application/yaml"), MediaType.parseMediaType("application/x-yaml"),
            MediaType.parseMediaType("text/yaml"));

    private final YAMLMapper yaml = YAMLMapper.builder().build();
    private final JsonMapper json;

    YamlBodyConverter(JsonMapper json) {
        super(TYPES.toArray(MediaType[]::new));
        this.json = json;
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return clazz == RunnerDraft.class;
    }

    @Override
    public boolean canWrite(Class<?> clazz, MediaType mediaType) {
        return false;
    }

    @Override
    protected Object readInternal(Class<?> clazz, HttpInputMessage input) throws IOException {
        JsonNode tree;
        try {
            tree = yaml.readTree(input.getBody());
        } catch (JacksonException e) {
            throw ApiException.badRequest("Request body is not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw ApiException.badRequest("Request body is empty");
        }
        if (!tree.isObject()) {
            throw ApiException.badRequest("Request body must be a YAML mapping (an object), was " + tree.getNodeType().name().toLowerCase());
        }
        try {
            return json.treeToValue(tree, clazz);
        } catch (JacksonException e) {
            // the shared handler turns this into the same 422 a JSON body gets
            throw new HttpMessageNotReadableException(e.getOriginalMessage(), e, input);
        }
    }

    @Override
    protected void writeInternal(Object o, HttpOutputMessage output) {
        throw new UnsupportedOperationException("YAML is accepted, never written");
    }

    /** Puts the converter ahead of any default YAML converter, which would not bind snake_case. */
    @Configuration(proxyBeanMethods = false)
    static class Registration implements WebMvcConfigurer {

        private final JsonMapper json;

        Registration(JsonMapper json) {
            this.json = json;
        }

        @Override
        public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
            converters.addFirst(new YamlBodyConverter(json));
        }
    }
}
