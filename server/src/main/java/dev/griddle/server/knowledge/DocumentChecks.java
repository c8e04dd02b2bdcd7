package dev.griddle.server.knowledge;

import dev.griddle.server.web.FieldErrors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The rules of a document's title and metadata, for both ways in (JSON and multipart). */
final class DocumentChecks {

    static final int MAX_TITLE = 300;
    static final int MAX_METADATA = 16 * 1024;

    private DocumentChecks() {
    }

    /** The title stripped; a problem is added when it is missing, too long or holds control characters. */
    static String title(String title, FieldErrors errors) {
        if (title == null || title.isBlank()) {
            errors.add("title", "required");
            return null;
        }
        String t = title.strip();
        if (t.length() > MAX_TITLE) {
            errors.add("title", "must be at most " + MAX_TITLE + " characters");
        } else if (t.chars().anyMatch(Character::isISOControl)) {
            errors.add("title", "must not hold control characters (line breaks, NUL)");
        }
        return t;
    }

    /** Metadata given as JSON text (a multipart field): an object, or nothing ({@code {}}). */
    static String metadata(String text, JsonMapper json, FieldErrors errors) {
        if (text == null || text.isBlank()) {
            return "{}";
        }
        try {
            return metadata(json.readTree(text), errors);
        } catch (JacksonException e) {
            errors.add("metadata", "must be a JSON object; it is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    /** Metadata given as a JSON value: an object of at most {@value #MAX_METADATA} bytes, or null ({@code {}}). */
    static String metadata(JsonNode node, FieldErrors errors) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "{}";
        }
        if (!node.isObject()) {
            errors.add("metadata", "must be a JSON object, was " + node.getNodeType().name().toLowerCase());
            return null;
        }
        String text = node.toString();
        if (text.length() > MAX_METADATA) {
            errors.add("metadata", "must be at most " + MAX_METADATA + " characters of JSON");
            return null;
        }
        if (text.contains("\\u0000")) {
            errors.add("metadata", "must not hold a NUL character");
            return null;
        }
        return text;
    }
}
