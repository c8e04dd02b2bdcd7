package dev.griddle.server.expr;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.griddle.server.GriddleProperties;
import org.springframework.beans.factory.annotation.Autowired;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@link Expressions} on Google's CEL. Compiled programs are cached by expression text (bounded,
 * {@code griddle.cache.expressions}): runs evaluate the same few expressions over and over, and compiling is the costly part.
 */
@Component
public class CelExpressions implements Expressions {

    /** {@code args}: a tool call's arguments, in custom HTTP tool templates (issue #5); empty elsewhere. */
    static final List<String> VARIABLES = List.of("input", "steps", "item", "run", "secrets", "args");
    private static final int CACHE_SIZE = 4096;

    /** {@code secrets}: the secret names the expression reads, checked against the context before it runs. */
    private record Compiled(CelAbstractSyntaxTree ast, CelRuntime.Program program, Set<String> secrets) {
    }

    private final List<String> variables;
    private final CelCompiler compiler;
    private final CelRuntime runtime;
    /** Lock-free reads: every step's every expression looks here first, from many threads at once. */
    private final Cache<String, Compiled> cache;

    public CelExpressions() {
        this(CACHE_SIZE, VARIABLES);
    }

    @Autowired
    CelExpressions(GriddleProperties props) {
        this(props.cache().expressions(), VARIABLES);
    }

    /**
     * Expressions over other top-level variables than a run's (an experiment's evaluators read
     * {@code output}, {@code expected}, {@code input}); a variable missing from the context is {@code {}}.
     */
    public static CelExpressions over(List<String> variables, int cacheSize) {
        return new CelExpressions(cacheSize, List.copyOf(variables));
    }

    private CelExpressions(int cacheSize, List<String> variables) {
        this.variables = variables;
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
        CelOptions options = CelOptions.current().enableHeterogeneousNumericComparisons(true).comprehensionMaxIterations(100_000).build();
        var builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(options).setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        for (String v : variables) {
            builder.addVar(v, SimpleType.DYN);
        }
        this.compiler = builder.build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
    }

    @Override
    public JsonNode evaluate(String expression, JsonNode context) {
        Compiled compiled = compile(expression);
        checkSecrets(compiled, context);
        try {
            return CelValues.toJson(compiled.program().eval(variables(context)));
        } catch (CelEvaluationException e) {
            throw new ExpressionException("Expression '" + expression + "' failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ExpressionException("Expression '" + expression + "' failed: " + e, e);
        }
    }

    @Override
    public boolean test(String expression, JsonNode context) {
        JsonNode value = evaluate(expression, context);
        if (!value.isBoolean()) {
            throw new ExpressionException("Condition '" + expression + "' must be a boolean, was " + value.getNodeType().name().toLowerCase()
                    + " " + Templates.abbreviate(value.toString()));
        }
        return value.booleanValue();
    }

    @Override
    public JsonNode render(JsonNode template, JsonNode context) {
        if (template == null) {
            return null;
        }
        if (template.isString()) {
            return renderString(template.asString(), context);
        }
        if (template.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode(template.size());
            template.forEach(item -> out.add(render(item, context)));
            return out;
        }
        if (template.isObject()) {
            var out = JsonNodeFactory.instance.objectNode();
            template.properties().forEach(e -> out.set(e.getKey(), render(e.getValue(), context)));
            return out;
        }
        return template;
    }

    private JsonNode renderString(String s, JsonNode context) {
        if (!Templates.hasTemplate(s)) {
            return JsonNodeFactory.instance.stringNode(s);
        }
        String single = Templates.single(s);
        if (single != null) {
            return evaluate(single, context);
        }
        StringBuilder out = new StringBuilder();
        for (Templates.Part part : Templates.parse(s)) {
            if (!part.expression()) {
                out.append(part.text());
                continue;
            }
            JsonNode value = evaluate(part.text(), context);
            if (value.isString()) {
                out.append(value.asString());
            } else if (!value.isNull() && !value.isMissingNode()) {
                out.append(value.toString());
            }
        }
        return JsonNodeFactory.instance.stringNode(out.toString());
    }

    @Override
    public List<String> check(String expression, Set<String> knownSteps, boolean inForEach) {
        if (expression == null || expression.isBlank()) {
            return List.of("expression is empty");
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = compile(expression).ast();
        } catch (ExpressionException e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (!inForEach && usesFreeVariable(ast, "item")) {
            problems.add("'item' is only available in a step with for_each");
        }
        for (String step : stepReferences(ast)) {
            if (!knownSteps.contains(step)) {
                problems.add("unknown step '" + step + "'");
            }
        }
        return problems;
    }

    @Override
    public List<String> checkTemplate(JsonNode template, Set<String> knownSteps, boolean inForEach) {
        List<String> problems = new ArrayList<>();
        Templates.forEachString(template, "", (path, s) -> {
            if (!Templates.hasTemplate(s)) {
                return;
            }
            String where = path.isEmpty() ? "" : path + ": ";
            try {
                for (Templates.Part part : Templates.parse(s)) {
                    if (part.expression()) {
                        check(part.text(), knownSteps, inForEach).forEach(p -> problems.add(where + p));
                    }
                }
            } catch (ExpressionException e) {
                problems.add(where + e.getMessage());
            }
        });
        return problems;
    }

    /**
     * The step ids an expression names as {@code steps.<id>} or {@code steps['<id>']}, in order of
     * appearance; empty when it does not compile. Validation uses it to tell an unknown step from
     * one that exists but is not upstream.
     */
    public Set<String> stepReferences(String expression) {
        try {
            return stepReferences(compile(expression).ast());
        } catch (ExpressionException e) {
            return Set.of();
        }
    }

    private static Set<String> stepReferences(CelAbstractSyntaxTree ast) {
        return references(ast, "steps");
    }

    /**
     * An unknown {@code secrets.NAME} would otherwise fail as CEL's "no such key": say plainly which
     * secret is missing. Only when the context has a {@code secrets} object (runs and HTTP tools).
     */
    private static void checkSecrets(Compiled compiled, JsonNode context) {
        if (compiled.secrets().isEmpty() || context == null || !context.path("secrets").isObject()) {
            return;
        }
        JsonNode defined = context.get("secrets");
        for (String name : compiled.secrets()) {
            if (!defined.has(name)) {
                // the context holds only the secrets available to the run's project (docs/secrets.md)
                throw new ExpressionException("secret '" + name + "' is not defined, or not available to this run's project");
            }
        }
    }

    private static Set<String> references(CelAbstractSyntaxTree ast, String variable) {
        Set<String> steps = new LinkedHashSet<>();
        CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(node -> {
            CelExpr expr = node.expr();
            switch (expr.getKind()) {
                case SELECT -> {
                    if (isFreeIdent(node, expr.select().operand(), variable)) {
                        steps.add(expr.select().field());
                    }
                }
                case CALL -> {
                    var call = expr.call();
                    if (call.function().equals("_[_]") && call.args().size() == 2 && isFreeIdent(node, call.args().get(0), variable)
                            && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
                            && call.args().get(1).constant().getKind() == dev.cel.common.ast.CelConstant.Kind.STRING_VALUE) {
                        steps.add(call.args().get(1).constant().stringValue());
                    }
                }
                default -> {
                }
            }
        });
        return steps;
    }

    private static boolean usesFreeVariable(CelAbstractSyntaxTree ast, String name) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .anyMatch(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT && isFreeIdent(node, node.expr(), name));
    }

    /** Whether {@code expr} (at or under {@code node}) is the top-level variable {@code name}, not a macro's loop variable of that name. */
    private static boolean isFreeIdent(CelNavigableExpr node, CelExpr expr, String name) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.IDENT || !expr.ident().name().equals(name)) {
            return false;
        }
        for (var at = node.parent(); at.isPresent(); at = at.get().parent()) {
            CelExpr e = at.get().expr();
            if (e.getKind() == CelExpr.ExprKind.Kind.COMPREHENSION
                    && (name.equals(e.comprehension().iterVar()) || name.equals(e.comprehension().accuVar()))) {
                return false;
            }
        }
        return true;
    }

    private Compiled compile(String expression) {
        Compiled compiled = cache.getIfPresent(expression);
        if (compiled != null) {
            return compiled;
        }
        try {
            CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
            compiled = new Compiled(ast, runtime.createProgram(ast), references(ast, "secrets"));
        } catch (CelValidationException e) {
            String issues = e.getErrors().stream().map(CelExpressions::describe).collect(Collectors.joining("; "));
            throw new ExpressionException("Expression '" + expression + "' does not compile: " + issues, e);
        } catch (dev.cel.common.CelException e) {
            throw new ExpressionException("Expression '" + expression + "' does not compile: " + e.getMessage(), e);
        }
        cache.put(expression, compiled);
        return compiled;
    }

    private static String describe(CelIssue issue) {
        var location = issue.getSourceLocation();
        return location.getColumn() >= 0 ? issue.getMessage() + " (column " + (location.getColumn() + 1) + ")" : issue.getMessage();
    }

    private Map<String, Object> variables(JsonNode context) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (String name : variables) {
            JsonNode value = context == null ? null : context.get(name);
            if (value == null || value.isMissingNode()) {
                vars.put(name, name.equals("item") ? CelValues.NULL : Map.of());
            } else {
                vars.put(name, CelValues.toCel(value));
            }
        }
        return vars;
    }
}
