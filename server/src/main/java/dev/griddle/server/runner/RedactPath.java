package dev.griddle.server.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * One entry of a runner's {@code redact} list (issue #18): a JSONPath of a small subset, applied to
 * each recorded call as the document {@code {"request": ..., "response": ...}}. The subset: {@code $}
 * then segments {@code .name}, {@code ['name']}, {@code [n]}, {@code [*]}, {@code .*} and
 * {@code ..name} (that name at any depth). No filters, slices or unions: every path is checked when
 * the definition is saved, so a recording is never half-redacted by a path that does not parse.
 */
public final class RedactPath {

    /** What a redacted value is stored as. */
    public static final String REDACTED = "[redacted]";

    /** Longest path accepted, in characters. */
    public static final int MAX_LENGTH = 300;

    private sealed interface Segment permits Name, Index, Wildcard, Descendant {
    }

    private record Name(String name) implements Segment {
    }

    private record Index(int index) implements Segment {
    }

    private record Wildcard() implements Segment {
    }

    private record Descendant(String name) implements Segment {
    }

    private static final Pattern SEGMENT = Pattern.compile(
            "\\.\\.([A-Za-z_][A-Za-z0-9_-]*)|\\.([A-Za-z_][A-Za-z0-9_-]*)|\\.\\*|\\[\\*]|\\[(\\d{1,6})]|\\['([^'\\\\]{1,200})']|\\[\"([^\"\\\\]{1,200})\"]");

    private final String text;
    private final List<Segment> segments;

    private RedactPath(String text, List<Segment> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    public static RedactPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a JSONPath such as $.request.body.email");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
        }
        if (!text.startsWith("$")) {
            throw new IllegalArgumentException("must start with $ (the recorded call: {request, response}), was '" + text + "'");
        }
        List<Segment> segments = new ArrayList<>();
        Matcher m = SEGMENT.matcher(text);
        int at = 1;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("'" + text + "' is not in the supported subset at character " + (at + 1)
                        + " (.name, ['name'], [n], [*], .*, ..name)");
            }
            if (m.group(1) != null) {
                segments.add(new Descendant(m.group(1)));
            } else if (m.group(2) != null) {
                segments.add(new Name(m.group(2)));
            } else if (m.group(3) != null) {
                segments.add(new Index(Integer.parseInt(m.group(3))));
            } else if (m.group(4) != null || m.group(5) != null) {
                segments.add(new Name(m.group(4) != null ? m.group(4) : m.group(5)));
            } else {
                segments.add(new Wildcard());
            }
            at = m.end();
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("'$' alone would redact the whole call: name a part of it, such as $.request.body");
        }
        return new RedactPath(text, segments);
    }

    /** Replaces every value this path matches in {@code document} (changed in place) with {@link #REDACTED}. */
    public void apply(JsonNode document) {
        apply(document, 0);
    }

    private void apply(JsonNode node, int i) {
        Segment segment = segments.get(i);
        boolean last = i == segments.size() - 1;
        switch (segment) {
            case Name(String name) -> {
                if (node instanceof ObjectNode object && object.has(name)) {
                    step(object, name, i, last);
                }
            }
            case Index(int index) -> {
                if (node instanceof ArrayNode array && index < array.size()) {
                    step(array, index, i, last);
                }
            }
            case Wildcard() -> {
                if (node instanceof ObjectNode object) {
                    for (String name : List.copyOf(object.propertyNames())) {
                        step(object, name, i, last);
                    }
                } else if (node instanceof ArrayNode array) {
                    for (int k = 0; k < array.size(); k++) {
                        step(array, k, i, last);
                    }
                }
            }
            case Descendant(String name) -> {
                if (node instanceof ObjectNode object) {
                    for (String key : List.copyOf(object.propertyNames())) {
                        if (key.equals(name)) {
                            step(object, key, i, last);
                        } else {
                            apply(object.get(key), i);
                        }
                    }
                } else if (node instanceof ArrayNode array) {
                    array.forEach(child -> apply(child, i));
                }
            }
        }
    }

    private void step(ObjectNode parent, String name, int i, boolean last) {
        if (last) {
            parent.set(name, StringNode.valueOf(REDACTED));
        } else {
            apply(parent.get(name), i + 1);
        }
    }

    private void step(ArrayNode parent, int index, int i, boolean last) {
        if (last) {
            parent.set(index, StringNode.valueOf(REDACTED));
        } else {
            apply(parent.get(index), i + 1);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
