package dev.griddle.server.secret;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An organization's secrets as the engine sees them, cached per node for
 * {@code griddle.secrets.cache-ttl}.
 *
 * <p>Templates never see a value: {@code secrets.NAME} evaluates to a placeholder
 * {@code ⟦griddle-secret:NAME:<tag>⟧}, so what is rendered and stored (task input, step rows,
 * events) holds no plaintext. The tag is an HMAC of organization and name under the master key: a
 * run input or a model cannot forge a placeholder that would pull a secret into a request.
 * {@link #reveal} swaps placeholders for values at the moment of use (the outbound request, the
 * hand-out to a remote worker), and {@link SecretMasking} masks values in whatever comes back.
 */
@Component
public class OrgSecrets {

    private static final String PURPOSE = "griddle secret placeholder v1";
    private static final String OPEN = "\u27E6griddle-secret:";
    private static final Pattern PLACEHOLDER = Pattern.compile("\u27E6griddle-secret:([A-Za-z_][A-Za-z0-9_]{0,127}):([0-9a-f]{16})\u27E7");

    /** One organization's secrets: values by name, placeholders by name, and the values worth masking, longest first. */
    record Loaded(long expiresAtNanos, Map<String, String> values, ObjectNode placeholders, List<String> maskable) {
    }

    private final SecretStore store;
    private final SecretBox box;
    private final long ttlNanos;
    private final Map<UUID, Loaded> cache = new ConcurrentHashMap<>();

    OrgSecrets(SecretStore store, SecretBox box, SecretProperties props) {
        this.store = store;
        this.box = box;
        this.ttlNanos = props.cacheTtl().toNanos();
    }

    /** {@code {NAME: placeholder}} for every secret of the organization: the {@code secrets} of an expression context. Do not modify. */
    public ObjectNode placeholders(UUID orgId) {
        return loaded(orgId).placeholders();
    }

    /**
     * {@code node} with every genuine placeholder replaced by its secret's value, in every string
     * (deep). Strings that only look like placeholders (a wrong tag) are left as they are.
     *
     * @throws SecretException when a placeholder names a secret that was deleted since the step was rendered
     */
    public JsonNode reveal(UUID orgId, JsonNode node) {
        if (node == null || !containsPlaceholder(node)) {
            return node;
        }
        Loaded secrets = loaded(orgId);
        return JsonStrings.map(node, s -> reveal(orgId, secrets, s));
    }

    /** {@link #reveal(UUID, JsonNode)} for one string. */
    public String reveal(UUID orgId, String s) {
        return s == null || !s.contains(OPEN) ? s : reveal(orgId, loaded(orgId), s);
    }

    /** The name of the first placeholder anywhere in {@code node}, or null when there is none. */
    public static String firstPlaceholder(JsonNode node) {
        String[] found = new String[1];
        JsonStrings.visit(node, s -> {
            if (found[0] == null && s.contains(OPEN)) {
                Matcher m = PLACEHOLDER.matcher(s);
                if (m.find()) {
                    found[0] = m.group(1);
                }
            }
        });
        return found[0];
    }

    /** Drops this node's copy of the organization's secrets (after a PUT or DELETE here). */
    void invalidate(UUID orgId) {
        cache.remove(orgId);
    }

    /** The values to mask, longest first; empty for an organization without secrets. */
    List<String> maskable(UUID orgId) {
        return loaded(orgId).maskable();
    }

    private static boolean containsPlaceholder(JsonNode node) {
        boolean[] found = new boolean[1];
        JsonStrings.visit(node, s -> found[0] |= s.contains(OPEN));
        return found[0];
    }

    private String reveal(UUID orgId, Loaded secrets, String s) {
        if (!s.contains(OPEN)) {
            return s;
        }
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = m.group();
            if (m.group().equals(placeholder(orgId, name))) {
                replacement = secrets.values().get(name);
                if (replacement == null) {
                    throw SecretException.undefined(name);
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String placeholder(UUID orgId, String name) {
        byte[] tag = box.mac(PURPOSE, orgId + ":" + name);
        return OPEN + name + ":" + HexFormat.of().formatHex(tag, 0, 8) + "\u27E7";
    }

    private Loaded loaded(UUID orgId) {
        Loaded current = cache.get(orgId);
        long now = System.nanoTime();
        if (current != null && now - current.expiresAtNanos() < 0) {
            return current;
        }
        Loaded fresh = load(orgId, now);
        cache.put(orgId, fresh);
        return fresh;
    }

    private Loaded load(UUID orgId, long now) {
        Map<String, String> values = new TreeMap<>();
        ObjectNode placeholders = JsonNodeFactory.instance.objectNode();
        for (SecretStore.Sealed s : store.sealed(orgId)) {
            values.put(s.name(), box.decrypt(s.valueSealed()));
            placeholders.put(s.name(), placeholder(orgId, s.name()));
        }
        List<String> maskable = new ArrayList<>();
        values.values().stream().filter(v -> v.length() >= SecretMasking.MIN_MASKED_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).forEach(maskable::add);
        return new Loaded(now + ttlNanos, Map.copyOf(values), placeholders, List.copyOf(maskable));
    }
}
