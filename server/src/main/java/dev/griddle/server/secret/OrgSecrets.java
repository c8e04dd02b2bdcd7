package dev.griddle.server.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * events) holds no plaintext. The tag is an HMAC under the master key of organization, binding
 * ({@link SecretUse}: the run's step, or one tool call) and name: a run input or a model cannot
 * forge one, and a genuine one copied elsewhere (another run's input, a model's tool arguments, a
 * later step) is not revealed there. Only secrets available to the use's project get placeholders
 * ({@code project_ids} empty = every project). {@link #reveal} swaps placeholders for values at
 * the moment of use (the outbound request, the hand-out to a remote worker), and
 * {@link SecretMasking} masks values (of every secret of the organization) in whatever comes back.
 */
@Component
public class OrgSecrets {

    private static final String PURPOSE = "griddle secret placeholder v2";
    private static final String OPEN = "\u27E6griddle-secret:";
    private static final Pattern PLACEHOLDER = Pattern.compile("\u27E6griddle-secret:([A-Za-z_][A-Za-z0-9_]{0,127}):([0-9a-f]{16})\u27E7");

    /** One organization's secrets: values and projects by name, and the values worth masking, longest first. */
    record Loaded(long expiresAtNanos, Map<String, String> values, Map<String, Set<UUID>> projects, List<String> maskable) {

        /** Whether {@code name} exists and may be used in {@code projectId}: empty projects = every project. */
        boolean available(String name, UUID projectId) {
            Set<UUID> limited = projects.get(name);
            return limited != null && (limited.isEmpty() || (projectId != null && limited.contains(projectId)));
        }
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

    /**
     * {@code {NAME: placeholder}} for every secret available to the use's project, bound to the
     * use: the {@code secrets} of an expression context. A secret of another project is absent, so
     * naming it fails the template as an unknown secret.
     */
    public ObjectNode placeholders(SecretUse use) {
        Loaded secrets = loaded(use.orgId());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        secrets.values().keySet().stream().filter(name -> secrets.available(name, use.projectId()))
                .forEach(name -> out.put(name, placeholder(use, name)));
        return out;
    }

    /**
     * {@code node} with every placeholder made for this use replaced by its secret's value, in
     * every string (deep). Strings that only look like placeholders (a forged tag, or one made for
     * another step, run or call) are left as they are.
     *
     * @throws SecretException when a placeholder names a secret that was deleted, or narrowed away
     *     from the use's project, since the step was rendered
     */
    public JsonNode reveal(SecretUse use, JsonNode node) {
        if (node == null || !containsPlaceholder(node)) {
            return node;
        }
        Loaded secrets = loaded(use.orgId());
        return JsonStrings.map(node, s -> reveal(use, secrets, s));
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

    private String reveal(SecretUse use, Loaded secrets, String s) {
        if (!s.contains(OPEN)) {
            return s;
        }
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = m.group();
            if (MessageDigest.isEqual(m.group().getBytes(StandardCharsets.UTF_8), placeholder(use, name).getBytes(StandardCharsets.UTF_8))) {
                if (!secrets.available(name, use.projectId())) {
                    throw SecretException.undefined(name);
                }
                replacement = secrets.values().get(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String placeholder(SecretUse use, String name) {
        byte[] tag = box.mac(PURPOSE, use.orgId() + ":" + use.binding() + ":" + name);
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
        Map<String, Set<UUID>> projects = new TreeMap<>();
        for (SecretStore.Sealed s : store.sealed(orgId)) {
            values.put(s.name(), box.decrypt(s.valueSealed()));
            projects.put(s.name(), Set.copyOf(s.projectIds()));
        }
        List<String> maskable = new ArrayList<>();
        values.values().stream().filter(v -> v.length() >= SecretMasking.MIN_MASKED_LENGTH).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).forEach(maskable::add);
        return new Loaded(now + ttlNanos, Map.copyOf(values), Map.copyOf(projects), List.copyOf(maskable));
    }
}
