package dev.griddle.server.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSONPath subset of a runner's {@code redact} list: what parses, and what each segment replaces. */
class RedactPathTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode redact(String path, String document) {
        JsonNode node = JSON.readTree(document);
        RedactPath.parse(path).apply(node);
        return node;
    }

    @Test
    void namesIndexesWildcardsAndDescendantsReplaceWhatTheyMatch() {
        String call = """
                {"request": {"body": {"email": "a@b.c", "messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "yo"}],
                             "user": {"token": "t1", "profile": {"token": "t2"}}}},
                 "response": {"status": 200, "body": {"token": "t3", "list": [1, 2, 3]}}}""";
        assertThat(redact("$.request.body.email", call).path("request").path("body").path("email").asString()).isEqualTo("[redacted]");
        JsonNode messages = redact("$.request.body.messages[*].content", call).path("request").path("body").path("messages");
        assertThat(messages.findValuesAsString("content")).containsExactly("[redacted]", "[redacted]");
        assertThat(messages.findValuesAsString("role")).containsExactly("user", "user");
        assertThat(redact("$.request.body.messages[1]['content']", call).path("request").path("body").path("messages").findValuesAsString("content"))
                .containsExactly("hi", "[redacted]");
        assertThat(redact("$..token", call).findValuesAsString("token")).containsOnly("[redacted]").hasSize(3);
        assertThat(redact("$.response.body.list.*", call).path("response").path("body").path("list").toString())
                .isEqualTo("[\"[redacted]\",\"[redacted]\",\"[redacted]\"]");
        assertThat(redact("$[\"response\"].status", call).path("response").path("status").asString()).isEqualTo("[redacted]");
        // a path that matches nothing changes nothing
        assertThat(redact("$.request.body.missing.deeper", call)).isEqualTo(JSON.readTree(call));
        assertThat(redact("$.request.body.messages[9].content", call)).isEqualTo(JSON.readTree(call));
    }

    @Test
    void pathsOutsideTheSubsetAreRefusedNamingWhy() {
        assertThatThrownBy(() -> RedactPath.parse("request.body")).hasMessageContaining("must start with $");
        assertThatThrownBy(() -> RedactPath.parse("$")).hasMessageContaining("the whole call");
        assertThatThrownBy(() -> RedactPath.parse("$.a[?(@.x)]")).hasMessageContaining("not in the supported subset at character 4");
        assertThatThrownBy(() -> RedactPath.parse("$.a[0:2]")).hasMessageContaining("not in the supported subset");
        assertThatThrownBy(() -> RedactPath.parse("$.a..")).hasMessageContaining("not in the supported subset");
        assertThatThrownBy(() -> RedactPath.parse(" ")).hasMessageContaining("must be a JSONPath");
        assertThatThrownBy(() -> RedactPath.parse("$" + ".a".repeat(200))).hasMessageContaining("at most 300 characters");
        assertThat(RedactPath.parse("$..email")).hasToString("$..email");
    }
}
