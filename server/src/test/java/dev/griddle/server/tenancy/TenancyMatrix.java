package dev.griddle.server.tenancy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The tenancy rules of docs/security.md as a table over every operation of the served OpenAPI
 * document. A fixture ({@link TenancyFixture}) registers organization A's resources here: the
 * id that fills each path variable, a valid body per write, the query a list is filtered with,
 * and the ids a list must not show. {@link #run} then calls every operation as two outsiders (an
 * admin of another organization, and an admin of A limited to another project), compares each
 * answer with the rule and checks A's rows did not change, and returns every violation at once.
 */
public final class TenancyMatrix {

    private static final Logger log = LoggerFactory.getLogger(TenancyMatrix.class);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    /** The two outsiders. */
    public enum Outsider {
        OTHER_ORG("admin key of organization B"), OTHER_PROJECT("admin key of A limited to project PB");

        final String label;

        Outsider(String label) {
            this.label = label;
        }
    }

    /** Resources with a project (the rule: 404 to a key that does not list the project). */
    static final Set<String> PROJECT_FAMILIES = Set.of("runners", "runs", "agents", "threads", "plans", "approvals", "triggers",
            "notifications", "traces", "tasks", "knowledge", "sessions", "datasets", "experiments");
    /** Org-wide connection objects (the rule: every key of the org reads, only keys for all projects write). */
    static final Set<String> ORG_WIDE_FAMILIES = Set.of("integrations", "mcp-servers", "tools", "skills", "secrets");

    /**
     * What an outsider may get: the statuses, whether the body is a list that must hold none of A's
     * hidden ids, and the tables of A's a listed exception may touch (none by the rules).
     */
    public record Expected(Set<Integer> statuses, boolean list, Set<String> mayChange, String why) {
        public static Expected of(String why, Integer... statuses) {
            return new Expected(Set.of(statuses), false, Set.of(), why);
        }

        public static Expected list(String why) {
            return new Expected(Set.of(200), true, Set.of(), why);
        }

        public Expected changing(String... tables) {
            return new Expected(statuses, list, Set.of(tables), why);
        }
    }

    private final Map<String, String> variables = new HashMap<>();
    private final Map<String, String> bodies = new HashMap<>();
    private final Map<String, Boolean> bodyNamesA = new HashMap<>();
    private final Map<String, String> queries = new HashMap<>();
    private final Map<String, Map<Outsider, Expected>> exceptions = new LinkedHashMap<>();
    private final Set<String> hiddenFromOtherOrg = new LinkedHashSet<>();
    private final Set<String> hiddenFromOtherProject = new LinkedHashSet<>();

    /** Fills every variable of paths starting with {@code prefix} (which ends with that variable), e.g. {@code /api/v1/runners/{id}}. */
    public TenancyMatrix variable(String prefix, String value) {
        variables.put(prefix, value);
        return this;
    }

    /** The body that would succeed for A's own admin; {@code namesA} says it refers to A's resources (a project, a thread...). */
    public TenancyMatrix body(String operation, boolean namesA, String json) {
        bodies.put(operation, json);
        bodyNamesA.put(operation, namesA);
        return this;
    }

    /** The query string a list is called with (A's ids as filters are where lists leak). */
    public TenancyMatrix query(String operation, String query) {
        queries.put(operation, query);
        return this;
    }

    /** An id (or name) of A's that no list may show to another organization; {@code orgWide} = a key limited to PB may see it. */
    public TenancyMatrix hidden(String id, boolean orgWide) {
        hiddenFromOtherOrg.add(id);
        if (!orgWide) {
            hiddenFromOtherProject.add(id);
        }
        return this;
    }

    /** A listed exception to the rules, with its reason. */
    public TenancyMatrix exception(String operation, Outsider who, Expected expected) {
        exceptions.computeIfAbsent(operation, o -> new LinkedHashMap<>()).put(who, expected);
        return this;
    }

    Map<String, Map<Outsider, Expected>> exceptions() {
        return exceptions;
    }

    /** Every table of A's some listed exception may touch. */
    Set<String> mayChange() {
        return exceptions.values().stream().flatMap(m -> m.values().stream()).flatMap(e -> e.mayChange().stream())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** The rule for one operation ({@code "POST /api/v1/runners/{id}/versions"}) and one outsider. */
    Expected expected(String operation, Outsider who) {
        Expected listed = exceptions.getOrDefault(operation, Map.of()).get(who);
        if (listed != null) {
            return listed;
        }
        String method = operation.substring(0, operation.indexOf(' '));
        String path = operation.substring(operation.indexOf(' ') + 1);
        boolean read = method.equals("GET");
        String family = path.startsWith("/api/v1/") ? path.substring(8).split("/")[0] : path;
        if (family.equals("organizations")) {
            return Expected.of("organizations are the instance admin's", 403);
        }
        if (!path.contains("{")) {
            if (read) {
                return Expected.list("a list shows only what the key may see");
            }
            boolean namesA = bodyNamesA.getOrDefault(operation, false);
            if (who == Outsider.OTHER_ORG) {
                return namesA ? Expected.of("the body names A's resources: as for an id that does not exist", 404, 422)
                        : Expected.of("creates B's own resource", 200, 201);
            }
            if (ORG_WIDE_FAMILIES.contains(family) || family.equals("projects") || family.equals("keys") && namesA) {
                return Expected.of("org-wide objects are written only by keys for all projects", 403);
            }
            return Expected.of("the body names project PA, which this key does not list", 403, 404, 422);
        }
        if (who == Outsider.OTHER_ORG) {
            return Expected.of("another organization's id", 404);
        }
        if (ORG_WIDE_FAMILIES.contains(family)) {
            return read ? Expected.of("org-wide objects are readable by every key of the org", 200)
                    : Expected.of("org-wide objects are written only by keys for all projects", 403);
        }
        return Expected.of(PROJECT_FAMILIES.contains(family) ? "a resource of project PA" : "an org resource outside the key's projects", 404);
    }

    /** The concrete path of an operation's template, or an error naming the variable nobody filled. */
    String fill(String template) {
        Matcher m = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String prefix = template.substring(0, m.end());
            String value = variables.get(prefix);
            if (value == null) {
                throw new IllegalStateException("no fixture value for {" + m.group(1) + "} in " + template
                        + ": register it with variable(\"" + prefix + "\", id)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The body registered for an operation ({@code "POST /api/v1/runners"}), or null. */
    String body(Operation operation) {
        return bodies.get(operation.key());
    }

    /** The query string registered for an operation, or null. */
    String query(Operation operation) {
        return queries.get(operation.key());
    }

    /** An operation to call: method and path template as the document has them, and whether the document gives it a body. */
    public record Operation(String method, String template, boolean hasBody) {
        String key() {
            return method + " " + template;
        }
    }

    /** A digest of A's rows per table: a refused call leaves every one as it was. */
    public interface Rows {
        Map<String, String> digest();
    }

    /**
     * Calls every operation as both outsiders, reads first and deletes last (so a delete that
     * wrongly succeeds does not hide the rest), and returns one line per violation.
     */
    public List<String> run(List<Operation> operations, Map<Outsider, String> keys, MatrixHttp http, Rows rows) {
        List<String> violations = new ArrayList<>();
        List<Operation> ordered = new ArrayList<>(operations);
        ordered.sort(Comparator.comparingInt(TenancyMatrix::phase));
        Map<String, String> before = rows.digest();
        int calls = 0;
        for (Operation op : ordered) {
            String path;
            try {
                path = fill(op.template());
            } catch (IllegalStateException e) {
                violations.add(op.key() + " → " + e.getMessage());
                continue;
            }
            String query = queries.get(op.key());
            String body = bodies.get(op.key());
            if (body == null && op.hasBody()) {
                violations.add(op.key() + " → no fixture body: register body(\"" + op.key() + "\", ...)");
                continue;
            }
            for (Outsider who : Outsider.values()) {
                Expected expected = expected(op.key(), who);
                MatrixHttp.Answer answer = http.send(keys.get(who), op.method(), query == null ? path : path + "?" + query, body);
                calls++;
                String as = op.key() + " as " + who.label;
                if (!expected.statuses().contains(answer.status())) {
                    violations.add(as + " → got " + answer.status() + (answer.stream() ? " (an event stream)" : "") + ", expected "
                            + statuses(expected) + " (" + expected.why() + ")" + excerpt(answer));
                } else if (expected.list()) {
                    Set<String> hidden = who == Outsider.OTHER_ORG ? hiddenFromOtherOrg : hiddenFromOtherProject;
                    List<String> shown = hidden.stream().filter(answer.body()::contains).toList();
                    if (!shown.isEmpty()) {
                        violations.add(as + " → the list shows A's " + shown);
                    }
                }
                if (!op.method().equals("GET")) {
                    Map<String, String> after = rows.digest();
                    List<String> changed = changedTables(before, after);
                    changed.removeAll(expected.mayChange());
                    if (!changed.isEmpty()) {
                        violations.add(as + " → answered " + answer.status() + " but changed A's rows in " + changed);
                    }
                    before = after;
                }
            }
        }
        log.info("Tenancy matrix: {} documented operations x {} outsider keys = {} calls, {} violations", operations.size(),
                Outsider.values().length, calls, violations.size());
        return violations;
    }

    /** Reads first, then writes, then what would end a fixture resource's use (deletes, drain, cancel) if it wrongly went through. */
    static int phase(Operation o) {
        if (o.method().equals("GET")) {
            return 0;
        }
        boolean ending = o.method().equals("DELETE") || o.template().endsWith("/drain") || o.template().endsWith("/cancel");
        return ending ? 2 : 1;
    }

    static List<String> changedTables(Map<String, String> before, Map<String, String> after) {
        List<String> changed = new ArrayList<>();
        new TreeMap<>(after).forEach((table, digest) -> {
            if (!digest.equals(before.get(table))) {
                changed.add(table);
            }
        });
        return changed;
    }

    private static String statuses(Expected e) {
        return e.statuses().stream().sorted().map(String::valueOf).reduce((a, b) -> a + "/" + b).orElse("?");
    }

    private static String excerpt(MatrixHttp.Answer answer) {
        if (answer.body().isBlank()) {
            return "";
        }
        JsonNode message = answer.body().startsWith("{") ? answer.json().path("error").path("message") : null;
        String text = message != null && !message.isMissingNode() ? message.asString() : answer.body();
        return ": " + (text.length() > 160 ? text.substring(0, 160) + "…" : text);
    }
}
