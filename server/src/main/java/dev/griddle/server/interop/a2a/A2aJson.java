package dev.griddle.server.interop.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.a2a.util.Utils;
import java.io.UncheckedIOException;

/** The A2A SDK's own JSON mapping (Jackson 2, with its serializers for parts, errors and ids): A2A messages are written only with it. */
final class A2aJson {

    private A2aJson() {
    }

    static String write(Object value) {
        try {
            return Utils.OBJECT_MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
