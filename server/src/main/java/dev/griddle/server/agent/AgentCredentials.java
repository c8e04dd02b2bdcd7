package dev.griddle.server.agent;

import dev.griddle.server.secret.SecretBox;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** An agent's own provider keys: how a request changes them, and how they are sealed (one SecretBox value of a JSON object). */
@Component
class AgentCredentials {

    private final SecretBox box;
    private final JsonMapper json;

    AgentCredentials(SecretBox box, JsonMapper json) {
        this.box = box;
        this.json = json;
    }

    /** {@code current} changed by {@code body}: a null key is left as it is, an empty string removes it. */
    static Map<String, String> merged(Map<String, String> current, AgentController.CredentialsBody body) {
        Map<String, String> out = new TreeMap<>(current);
        put(out, "openai_api_key", body.openaiApiKey());
        put(out, "anthropic_api_key", body.anthropicApiKey());
        return out;
    }

    /** The sealed value to store, or null for no keys. */
    String seal(Map<String, String> keys) {
        if (keys.isEmpty()) {
            return null;
        }
        ObjectNode sealed = json.createObjectNode();
        keys.forEach(sealed::put);
        return box.encrypt(json.writeValueAsString(sealed));
    }

    private static void put(Map<String, String> keys, String key, String value) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            keys.remove(key);
        } else {
            keys.put(key, value.strip());
        }
    }
}
