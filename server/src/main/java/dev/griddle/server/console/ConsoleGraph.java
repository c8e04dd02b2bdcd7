package dev.griddle.server.console;

import dev.griddle.server.engine.StepRow;
import dev.griddle.server.runner.StepSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's steps laid out as a DAG for an SVG drawing: a step's column is one past the deepest of
 * the steps it needs, its row its place in that column. Positions are in SVG units.
 */
public record ConsoleGraph(List<Node> nodes, List<Edge> edges, int width, int height) {

    static final int NODE_W = 150;
    static final int NODE_H = 40;
    private static final int GAP_X = 60;
    private static final int GAP_Y = 20;

    public record Node(String id, String status, int x, int y) {
    }

    public record Edge(int x1, int y1, int x2, int y2) {
    }

    static ConsoleGraph of(List<StepSpec> steps, List<StepRow.View> states) {
        Map<String, String> status = new HashMap<>();
        states.forEach(s -> status.put(s.stepId(), s.status()));
        Map<String, Integer> column = new HashMap<>();
        for (StepSpec step : steps) {
            depth(step.id(), steps, column, 0);
        }
        Map<Integer, Integer> rows = new HashMap<>();
        Map<String, Node> byId = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        for (StepSpec step : steps) {
            int col = column.get(step.id());
            int row = rows.merge(col, 1, Integer::sum) - 1;
            Node node = new Node(step.id(), status.getOrDefault(step.id(), "pending"), 10 + col * (NODE_W + GAP_X), 10 + row * (NODE_H + GAP_Y));
            nodes.add(node);
            byId.put(step.id(), node);
        }
        List<Edge> edges = new ArrayList<>();
        for (StepSpec step : steps) {
            Node to = byId.get(step.id());
            for (String need : step.needs()) {
                Node from = byId.get(need);
                if (from != null) {
                    edges.add(new Edge(from.x() + NODE_W, from.y() + NODE_H / 2, to.x(), to.y() + NODE_H / 2));
                }
            }
        }
        int width = nodes.stream().mapToInt(n -> n.x() + NODE_W + 10).max().orElse(20);
        int height = nodes.stream().mapToInt(n -> n.y() + NODE_H + 10).max().orElse(20);
        return new ConsoleGraph(nodes, edges, width, height);
    }

    /** The column of {@code id}; a published runner has no cycles, and the guard stops a malformed one. */
    private static int depth(String id, List<StepSpec> steps, Map<String, Integer> column, int guard) {
        Integer known = column.get(id);
        if (known != null) {
            return known;
        }
        int deepest = -1;
        if (guard < steps.size()) {
            for (StepSpec step : steps) {
                if (step.id().equals(id)) {
                    for (String need : step.needs()) {
                        deepest = Math.max(deepest, depth(need, steps, column, guard + 1));
                    }
                }
            }
        }
        column.put(id, deepest + 1);
        return deepest + 1;
    }
}
