package dev.griddle.server.tool.web;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The one {@link SearchBackend} of this server, chosen from {@link WebProperties} at start-up. */
@Configuration(proxyBeanMethods = false)
class SearchBackends {

    private static final Logger log = LoggerFactory.getLogger(SearchBackends.class);

    @Bean
    SearchBackend searchBackend(WebProperties props, JsonMapper json) {
        SearchBackend backend = SearchBackend.of(props, json);
        log.info("web search backend: {}", props.searchBackend() == null ? "none configured" : props.searchBackend().name().toLowerCase(Locale.ROOT));
        return backend;
    }
}
